namespace Sluice.Masking;

/// <summary>
/// Describes one column of a result as the protocol reports it, in protocol-neutral terms:
/// where the value came from (when the protocol says) and how it is encoded on the wire.
/// </summary>
public readonly record struct ResultColumn(
    string Name,
    string? SourceSchema,
    string? SourceTable,
    string? SourceColumn,
    string TypeName,
    bool IsBinary);

/// <summary>
/// Decides, once per result, which columns must be rewritten and how. Protocol relays ask for a
/// plan when a result's columns are described and apply it to every row of that result.
/// </summary>
public interface IResultMasker
{
    /// <summary>
    /// Returns a plan for the result, or null when nothing in it needs masking. A masker that
    /// cannot decide must throw rather than return null: masking fails closed.
    /// </summary>
    IMaskingPlan? Plan(ReadOnlySpan<ResultColumn> columns);
}

/// <summary>The per-result decision: which cells change and into what.</summary>
public interface IMaskingPlan
{
    /// <summary>True when the cell at <paramref name="column"/> must be rewritten.</summary>
    bool Masks(int column);

    /// <summary>
    /// Writes the masked form of <paramref name="value"/> into <paramref name="destination"/> and
    /// returns the bytes written, or -1 for NULL. The output is valid for the column's type.
    /// </summary>
    int Mask(int column, ReadOnlySpan<byte> value, Span<byte> destination);
}

/// <summary>The masker of a gateway that has no masking rules: every plan is empty.</summary>
public sealed class PassThroughMasker : IResultMasker
{
    public static readonly PassThroughMasker Instance = new();

    public IMaskingPlan? Plan(ReadOnlySpan<ResultColumn> columns) => null;
}
