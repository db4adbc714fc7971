namespace Sluice.Protocols.Postgres;

/// <summary>The data format of a COPY stream: the FORMAT option, or the old CSV/BINARY words.</summary>
public enum PgCopyFormat
{
    /// <summary>Tab-separated rows with backslash escapes; NULL is written as \N by default.</summary>
    Text,

    /// <summary>Comma-separated rows with quoting; NULL is an unquoted empty field by default.</summary>
    Csv,

    /// <summary>PGCOPY signature, header, then length-prefixed fields per tuple and a -1 trailer.</summary>
    Binary,
}
