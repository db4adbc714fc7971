namespace Sluice.Protocols.Postgres;

/// <summary>
/// How a COPY stream is written, as given by the COPY statement's options. Unset values take PostgreSQL's
/// defaults for the format: delimiter tab (text) or comma (CSV), NULL string \N (text) or empty (CSV),
/// quote and escape a double quote (CSV only).
/// </summary>
public sealed class PgCopyOptions
{
    private readonly byte? _delimiter;
    private readonly string? _null;
    private readonly byte? _escape;

    /// <summary>Text, CSV or binary.</summary>
    public PgCopyFormat Format { get; init; }

    /// <summary>The one-byte field separator (PostgreSQL rejects multi-byte delimiters).</summary>
    public byte Delimiter
    {
        get => _delimiter ?? (Format == PgCopyFormat.Csv ? (byte)',' : (byte)'\t');
        init => _delimiter = value;
    }

    /// <summary>The string that stands for NULL, compared with the raw (still escaped) field.</summary>
    public string Null
    {
        get => _null ?? (Format == PgCopyFormat.Csv ? string.Empty : "\\N");
        init => _null = value;
    }

    /// <summary>CSV quote character.</summary>
    public byte Quote { get; init; } = (byte)'"';

    /// <summary>CSV escape character inside quotes; defaults to <see cref="Quote"/> (doubled quotes).</summary>
    public byte Escape
    {
        get => _escape ?? Quote;
        init => _escape = value;
    }

    /// <summary>
    /// The first row is a header line of column names (CSV, and text since PostgreSQL 15). It is passed through
    /// unchanged and never shown to the masker.
    /// </summary>
    public bool Header { get; init; }

    /// <summary>Text format with every default.</summary>
    public static PgCopyOptions DefaultText { get; } = new();
}
