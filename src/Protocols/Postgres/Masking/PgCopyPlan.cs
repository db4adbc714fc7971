using Sluice.Masking;

namespace Sluice.Protocols.Postgres;

/// <summary>
/// How one COPY … TO STDOUT is masked: the stream's options, its columns, and the plan for them; or why it
/// cannot be masked, in which case the COPY is refused.
/// </summary>
internal sealed record PgCopyPlan(PgCopyOptions Options, int ColumnCount, ResultMaskPlan? Plan, string? Refusal = null)
{
    public static PgCopyPlan Refused(string reason) => new(PgCopyOptions.DefaultText, 0, null, reason);

    /// <summary>
    /// The field masker that applies <paramref name="plan"/> to a COPY row: NULLs, columns the plan leaves alone
    /// and values the plan does not change keep their original bytes; every other value becomes the plan's.
    /// </summary>
    public static PgCopyFieldMasker FieldMasker(ResultMaskPlan plan) => (column, value, isNull, destination) =>
    {
        if (isNull || !plan.Masks(column))
        {
            return PgCopyMaskResult.Unchanged;
        }

        int written = plan.MaskValue(column, value, destination, out bool changed);
        return !changed ? PgCopyMaskResult.Unchanged
            : written == int.MinValue ? PgCopyMaskResult.DestinationTooSmall
            : written;
    };
}
