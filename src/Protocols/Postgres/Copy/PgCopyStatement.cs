namespace Sluice.Protocols.Postgres;

/// <summary>
/// What a COPY statement sent by the client asks for: direction, target, source table or query, and the
/// options that shape the data stream. Parses both the parenthesised option list (PostgreSQL 9.0+) and the old
/// word syntax (BINARY, CSV, HEADER, DELIMITER [AS], NULL [AS], QUOTE [AS], ESCAPE [AS], FORCE QUOTE).
/// </summary>
/// <remarks>
/// <see cref="UnsupportedReason"/> is null only when the stream can be masked with <see cref="Options"/>: it
/// names the first problem otherwise, among them text that does not parse, more than one statement, WITH OIDS,
/// an ENCODING other than UTF8, an option the server would reject for the format (DELIMITER or NULL with
/// BINARY, QUOTE outside CSV, multi-byte delimiter), and options this parser does not know. Options that only
/// affect COPY FROM (FREEZE, FORCE_NOT_NULL, FORCE_NULL, DEFAULT, ON_ERROR, ...) and FORCE_QUOTE (the rewriter
/// copies kept fields as sent and quotes masked ones only when needed) are accepted and otherwise ignored.
/// Strings follow standard_conforming_strings = on (the default): backslashes are literal outside E''.
/// </remarks>
public sealed partial class PgCopyStatement
{
    private PgCopyStatement()
    {
    }

    /// <summary>COPY ... TO (the server sends data); false for COPY ... FROM.</summary>
    public bool IsTo { get; private set; }

    /// <summary>COPY ... FROM STDIN: the client sends the data.</summary>
    public bool IsFromStdin => !IsTo && !IsProgramOrFile;

    /// <summary>COPY ... TO STDOUT: data comes back to the client through the gateway.</summary>
    public bool IsToStdout => IsTo && !IsProgramOrFile;

    /// <summary>TO/FROM a server-side file or PROGRAM: no data passes the gateway, the server does the I/O.</summary>
    public bool IsProgramOrFile { get; private set; }

    /// <summary>True for PROGRAM 'command' (implies <see cref="IsProgramOrFile"/>).</summary>
    public bool IsProgram { get; private set; }

    /// <summary>Schema of the table when qualified (as the server folds it), else null.</summary>
    public string? Schema { get; private set; }

    /// <summary>The table, or null for COPY (query).</summary>
    public string? Table { get; private set; }

    /// <summary>The column list after the table, or null when none was given (all columns).</summary>
    public IReadOnlyList<string>? Columns { get; private set; }

    /// <summary>For COPY (query) TO: the text between the parentheses, trimmed.</summary>
    public string? Query { get; private set; }

    /// <summary>Format, delimiter, NULL string, quote, escape and header as the statement sets them.</summary>
    public PgCopyOptions Options { get; private set; } = PgCopyOptions.DefaultText;

    /// <summary>Why the gateway cannot safely handle this COPY, or null when it can.</summary>
    public string? UnsupportedReason { get; private set; }

    /// <summary>
    /// Parses <paramref name="sql"/> when it is a COPY statement. Returns false when it is not one (the first
    /// word after comments is not COPY); a COPY that cannot be understood returns true with
    /// <see cref="UnsupportedReason"/> set.
    /// </summary>
    public static bool TryParse(ReadOnlySpan<char> sql, out PgCopyStatement? statement)
    {
        var tokens = new PgSqlTokenizer(sql);
        if (!tokens.Next().IsWord("copy"))
        {
            statement = null;
            return false;
        }

        statement = new PgCopyStatement();
        var parser = new Parser(sql, tokens, statement);
        string? problem = parser.Parse();
        statement.UnsupportedReason = problem ?? parser.ValidateOptions();
        statement.Options = parser.BuildOptions();
        return true;
    }
}
