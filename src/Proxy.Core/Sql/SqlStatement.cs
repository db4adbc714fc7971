namespace Sluice.Core.Sql;

/// <summary>One statement of a SQL text, with what a guardrail needs to judge it.</summary>
public sealed class SqlStatement
{
    private readonly FingerprintSource _source;
    private string? _fingerprint;

    /// <summary>A statement whose fingerprint is already known.</summary>
    public SqlStatement(
        string text, StatementClass cls, IReadOnlyList<SqlName> relations, IReadOnlyList<SqlName> functions,
        bool isWriteWithoutWhere, string? setting, string keyword, string fingerprint, string? uncertainty,
        StatementClass? bodyClass = null)
        : this(text, cls, relations, functions, isWriteWithoutWhere, setting, keyword, uncertainty, bodyClass)
    {
        ArgumentNullException.ThrowIfNull(fingerprint);
        _fingerprint = fingerprint;
    }

    /// <summary>A statement whose fingerprint is hashed from its tokens when first asked for.</summary>
    internal SqlStatement(
        string text, StatementClass cls, IReadOnlyList<SqlName> relations, IReadOnlyList<SqlName> functions,
        bool isWriteWithoutWhere, string? setting, string keyword, FingerprintSource source, string? uncertainty,
        StatementClass? bodyClass = null)
        : this(text, cls, relations, functions, isWriteWithoutWhere, setting, keyword, uncertainty, bodyClass)
    {
        _source = source;
    }

    private SqlStatement(
        string text, StatementClass cls, IReadOnlyList<SqlName> relations, IReadOnlyList<SqlName> functions,
        bool isWriteWithoutWhere, string? setting, string keyword, string? uncertainty, StatementClass? bodyClass)
    {
        Text = text;
        Class = cls;
        Relations = relations;
        Functions = functions;
        IsWriteWithoutWhere = isWriteWithoutWhere;
        Setting = setting;
        Keyword = keyword;
        Uncertainty = uncertainty;
        BodyClass = bodyClass;
    }

    /// <summary>The statement's own text, from its first token to its last, as the client sent it.</summary>
    public string Text { get; }

    /// <summary>What the statement does; <see cref="StatementClass.Unknown"/> when not certain.</summary>
    public StatementClass Class { get; }

    /// <summary>Tables and views it reads, writes or targets, each once, in order of appearance.</summary>
    public IReadOnlyList<SqlName> Relations { get; }

    /// <summary>Every name called with parentheses (not keyword syntax), each once.</summary>
    public IReadOnlyList<SqlName> Functions { get; }

    /// <summary>True for a TRUNCATE, and when an UPDATE or DELETE in it (main or CTE) has no WHERE of its own.</summary>
    public bool IsWriteWithoutWhere { get; }

    /// <summary>For SET and RESET: the parameter name, lower case (<c>role</c>, <c>timezone</c> …).</summary>
    public string? Setting { get; }

    /// <summary>Leading keyword(s), upper case, e.g. <c>CREATE TABLE</c>, <c>WITH…DELETE</c>.</summary>
    public string Keyword { get; }

    /// <summary>Null when certain; otherwise why it is <see cref="StatementClass.Unknown"/>.</summary>
    public string? Uncertainty { get; }

    /// <summary>
    /// For statements that carry another statement (PREPARE, EXPLAIN, COPY (query), DECLARE): that statement's class.
    /// </summary>
    public StatementClass? BodyClass { get; }

    /// <summary>
    /// Lower-case hex SHA-256 over the normalised tokens. For Read, Write and Transaction statements literals count as
    /// <c>?</c>, so the same statement with other values has the same fingerprint; for every other class, and for
    /// dollar-quoted bodies always, literals count as written, because there the literal is code or a target.
    /// </summary>
    /// <remarks>
    /// Only a statement that is refused or needs an approval uses it, so it is hashed when first asked for: an
    /// allowed statement, which is nearly every statement, never pays for the hash.
    /// </remarks>
    public string Fingerprint => _fingerprint ??= _source.Compute();

    /// <inheritdoc />
    public override string ToString() => $"{Class} {Keyword}: {Text}";

    /// <summary>What a fingerprint is hashed from: the statement's tokens within the text they came from.</summary>
    internal readonly record struct FingerprintSource(
        string Sql, List<SqlToken> Tokens, int Start, int End, bool LiteralsAsPlaceholders)
    {
        public string Compute() => SqlFingerprint.Compute(Sql, Tokens, Start, End, LiteralsAsPlaceholders);
    }
}
