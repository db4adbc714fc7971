namespace Sluice.Core.Sql;

/// <summary>One statement of a SQL text, with what a guardrail needs to judge it.</summary>
/// <param name="Text">The statement's own text, from its first token to its last, as the client sent it.</param>
/// <param name="Class">What the statement does; <see cref="StatementClass.Unknown"/> when not certain.</param>
/// <param name="Relations">Tables and views it reads, writes or targets, each once, in order of appearance.</param>
/// <param name="Functions">Every name called with parentheses (not keyword syntax), each once.</param>
/// <param name="IsWriteWithoutWhere">
/// True for a TRUNCATE, and when an UPDATE or DELETE in it (main or CTE) has no WHERE of its own.
/// </param>
/// <param name="Setting">For SET and RESET: the parameter name, lower case (<c>role</c>, <c>timezone</c> …).</param>
/// <param name="Keyword">Leading keyword(s), upper case, e.g. <c>CREATE TABLE</c>, <c>WITH…DELETE</c>.</param>
/// <param name="Fingerprint">
/// Lower-case hex SHA-256 over the normalised tokens. For Read, Write and Transaction statements literals count as
/// <c>?</c>, so the same statement with other values has the same fingerprint; for every other class, and for
/// dollar-quoted bodies always, literals count as written, because there the literal is code or a target.
/// </param>
/// <param name="Uncertainty">Null when certain; otherwise why it is <see cref="StatementClass.Unknown"/>.</param>
/// <param name="BodyClass">
/// For statements that carry another statement (PREPARE, EXPLAIN, COPY (query), DECLARE): that statement's class.
/// </param>
public sealed record SqlStatement(
    string Text,
    StatementClass Class,
    IReadOnlyList<SqlName> Relations,
    IReadOnlyList<SqlName> Functions,
    bool IsWriteWithoutWhere,
    string? Setting,
    string Keyword,
    string Fingerprint,
    string? Uncertainty,
    StatementClass? BodyClass = null);
