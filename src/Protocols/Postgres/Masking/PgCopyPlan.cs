using Sluice.Masking;

namespace Sluice.Protocols.Postgres;

/// <summary>
/// How one COPY … TO STDOUT is masked: the stream's options, its columns, and the plan for them; or why it
/// cannot be masked, in which case the COPY is refused.
/// </summary>
internal sealed record PgCopyPlan(PgCopyOptions Options, int ColumnCount, ResultMaskPlan? Plan, string? Refusal = null)
{
    public static PgCopyPlan Refused(string reason) => new(PgCopyOptions.DefaultText, 0, null, reason);
}
