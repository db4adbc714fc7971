namespace Sluice.Masking;

/// <summary>
/// One result column in protocol-neutral terms: its result name, where its values come from when the protocol
/// knows (schema, table, column), and how its values are encoded on the wire.
/// </summary>
/// <param name="Name">The column's name in the result (an alias when the statement gave one).</param>
/// <param name="SourceSchema">The schema of the source table, when known.</param>
/// <param name="SourceTable">The source table; null for a derived value (an expression, a function, a cast).</param>
/// <param name="SourceColumn">The source column within <paramref name="SourceTable"/>, when known.</param>
/// <param name="Kind">How values of this column are encoded on the wire.</param>
public readonly record struct MaskColumn(
    string Name,
    string? SourceSchema,
    string? SourceTable,
    string? SourceColumn,
    MaskValueKind Kind)
{
    /// <summary>True when the column has no source table: its values were computed by the statement.</summary>
    public bool IsDerived => SourceTable is null;
}
