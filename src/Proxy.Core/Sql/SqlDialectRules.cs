namespace Sluice.Core.Sql;

/// <summary>
/// What differs between dialects: lexical features the lexer switches on, and the keyword tables the analyser
/// consults. A new dialect adds a subclass and, where its statement grammar differs, its own analyser.
/// </summary>
internal abstract class SqlDialectRules
{
    /// <summary>Whether <c>/* /* */ */</c> nests (PostgreSQL, T-SQL) or ends at the first <c>*/</c> (MySQL).</summary>
    public abstract bool NestedComments { get; }

    /// <summary>Whether <c>$tag$ … $tag$</c> quotes a string.</summary>
    public abstract bool DollarQuoting { get; }

    /// <summary>Words that can never name a relation (the dialect's reserved words).</summary>
    public abstract IReadOnlySet<string> Reserved { get; }

    /// <summary>Words that may stand before a parenthesis without being a function call.</summary>
    public abstract IReadOnlySet<string> NotFunctions { get; }

    /// <summary>Functions that run SQL text or read relations named in text, so their statement is dynamic.</summary>
    public abstract IReadOnlySet<string> SqlRunningFunctions { get; }

    public static SqlDialectRules For(SqlDialect dialect) => dialect switch
    {
        SqlDialect.PostgreSql => PostgreSqlRules.Instance,
        _ => throw new ArgumentOutOfRangeException(nameof(dialect), dialect, "unsupported SQL dialect"),
    };
}
