namespace Sluice.Core.Sql;

/// <summary>
/// Splits SQL text into statements and classifies each for guardrails: what it does, which relations and functions
/// it names, whether it writes without a WHERE, and a fingerprint for binding approvals. Anything it cannot read
/// with certainty is <see cref="StatementClass.Unknown"/>, which policy denies by default.
/// </summary>
public static class SqlClassifier
{
    /// <summary>Classifies every non-empty statement of <paramref name="sql"/>, in order; never throws.</summary>
    /// <param name="sql">The query text as the client sent it (one or more statements).</param>
    /// <param name="dialect">The dialect whose lexical rules and grammar apply.</param>
    public static IReadOnlyList<SqlStatement> Classify(string sql, SqlDialect dialect = SqlDialect.PostgreSql)
    {
        ArgumentNullException.ThrowIfNull(sql);
        SqlDialectRules rules = SqlDialectRules.For(dialect);
        List<SqlToken> tokens = SqlLexer.Tokenize(sql, rules);
        List<SqlTokenRange> ranges = SqlStatementSplitter.Split(tokens);
        var statements = new SqlStatement[ranges.Count];
        for (int i = 0; i < ranges.Count; i++)
        {
            statements[i] = PgStatementAnalyzer.Analyze(sql, tokens, ranges[i], rules);
        }

        return statements;
    }
}
