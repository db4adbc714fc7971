using System.Text;
using Sluice.Core.Sql;

namespace Sluice.Core.Tests.Sql;

public sealed class SqlClassifierFuzzTests
{
    private static readonly string[] s_fragments =
    [
        "SELECT ", "DELETE ", "FROM ", "WITH x AS (", ")", "(", ";", "'", "''", "E'\\'", "$$", "$a$", "\"", "/*",
        "*/", "--", "\n", "U&\"\\0061\"", " UESCAPE '!'", "BEGIN ATOMIC ", "END ", "CASE ", "CREATE FUNCTION ",
        "EXPLAIN ANALYZE ", "PREPARE p AS ", "COPY (", "SET ", "t", ".", ",", "f(", "::", "=", "1", "$1",
    ];

    [Fact]
    public void Random_bytes_never_throw()
    {
        var random = new Random(20260101);
        for (int i = 0; i < 2000; i++)
        {
            byte[] bytes = new byte[random.Next(0, 200)];
            random.NextBytes(bytes);
            string sql = i % 2 == 0 ? Encoding.UTF8.GetString(bytes) : Encoding.Latin1.GetString(bytes);
            AssertWellFormed(sql, SqlClassifier.Classify(sql));
        }
    }

    [Fact]
    public void Random_sql_fragments_never_throw()
    {
        var random = new Random(7);
        for (int i = 0; i < 2000; i++)
        {
            var sql = new StringBuilder();
            int count = random.Next(1, 40);
            for (int j = 0; j < count; j++)
            {
                sql.Append(s_fragments[random.Next(s_fragments.Length)]);
            }

            AssertWellFormed(sql.ToString(), SqlClassifier.Classify(sql.ToString()));
        }
    }

    [Fact]
    public void Deep_nesting_is_unknown_rather_than_a_stack_overflow()
    {
        string sql = string.Concat(Enumerable.Repeat("EXPLAIN ", 10_000)) + "SELECT 1";
        Assert.Equal(StatementClass.Unknown, Assert.Single(SqlClassifier.Classify(sql)).Class);
        string parens = string.Concat(Enumerable.Repeat("(", 10_000)) + "SELECT 1"
            + string.Concat(Enumerable.Repeat(")", 10_000));
        Assert.Equal(StatementClass.Read, Assert.Single(SqlClassifier.Classify(parens)).Class);
        string ctes = "WITH " + string.Join(", ", Enumerable.Range(0, 200).Select(i => $"c{i} AS (SELECT {i})"))
            + " SELECT 1";
        Assert.Equal(StatementClass.Read, Assert.Single(SqlClassifier.Classify(ctes)).Class);
    }

    [Fact]
    public void Long_join_chains_and_repeated_keywords_stay_fast()
    {
        string joins = "SELECT * FROM a" + string.Concat(Enumerable.Range(0, 20_000).Select(i => $" JOIN t{i} ON x"));
        string froms = "SELECT " + string.Concat(Enumerable.Repeat("from ", 50_000));
        var watch = System.Diagnostics.Stopwatch.StartNew();
        SqlStatement joined = Assert.Single(SqlClassifier.Classify(joins));
        Assert.Single(SqlClassifier.Classify(froms));
        Assert.Equal(20_001, joined.Relations.Count);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), $"took {watch.Elapsed}");
    }

    private static void AssertWellFormed(string sql, IReadOnlyList<SqlStatement> statements)
    {
        foreach (SqlStatement statement in statements)
        {
            Assert.Equal(64, statement.Fingerprint.Length);
            Assert.Equal(statement.Class == StatementClass.Unknown, statement.Uncertainty is not null);
            Assert.Contains(statement.Text, sql, StringComparison.Ordinal);
        }
    }
}
