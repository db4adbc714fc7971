namespace Sluice.Protocols.Postgres;

/// <summary>One field of a RowDescription ('T'): where the column came from and how it is typed and encoded.</summary>
/// <param name="Name">Column label as the client sees it (an alias if one was given).</param>
/// <param name="TableOid">Source table's OID, or 0 when the column is not a plain table column.</param>
/// <param name="ColumnNumber">Source column's attribute number, or 0.</param>
/// <param name="TypeOid">Data type OID.</param>
/// <param name="TypeSize">pg_type.typlen; negative for variable width.</param>
/// <param name="TypeModifier">pg_attribute.atttypmod.</param>
/// <param name="FormatCode">0 text, 1 binary (0 in a Describe of a statement, where it is not yet known).</param>
public readonly record struct PgFieldDescription(string Name, uint TableOid, short ColumnNumber, uint TypeOid,
    short TypeSize, int TypeModifier, short FormatCode);
