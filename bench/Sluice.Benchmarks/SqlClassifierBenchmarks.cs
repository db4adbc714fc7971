using System.Text;
using BenchmarkDotNet.Attributes;
using Sluice.Core.Sql;

namespace Sluice.Benchmarks;

/// <summary>
/// <see cref="SqlClassifier.Classify"/> over the statements a guardrail sees: a short lookup, a 2 KB reporting
/// query with joins, CTEs and functions, and a multi-statement text. Classification runs once per statement, not
/// per row, so allocations are expected; the memory columns say how many.
/// </summary>
[MemoryDiagnoser]
public class SqlClassifierBenchmarks
{
    private const string ShortSelect = "SELECT id, name FROM customers WHERE id = $1";

    private const string MultiStatement = "BEGIN; SET LOCAL statement_timeout = '5s'; "
        + "UPDATE accounts SET balance = balance - 100 WHERE id = 1; "
        + "INSERT INTO ledger (account_id, amount) VALUES (1, -100); COMMIT";

    private string _report = string.Empty;

    /// <summary>Builds the reporting query and checks every input classifies without uncertainty.</summary>
    [GlobalSetup]
    public void Setup()
    {
        var report = new StringBuilder(
            "WITH recent AS (SELECT o.customer_id, sum(o.total) AS spent, count(*) AS orders FROM sales.orders o "
            + "WHERE o.created_at >= now() - interval '90 days' GROUP BY o.customer_id), "
            + "ranked AS (SELECT r.*, rank() OVER (ORDER BY r.spent DESC) AS pos FROM recent r) "
            + "SELECT c.id, c.name, lower(c.email) AS email, r.spent, r.orders, r.pos, "
            + "coalesce(a.city, 'unknown') AS city, date_trunc('month', c.created_at) AS cohort");
        int column = 0;
        while (report.Length < 1800)
        {
            report.Append($", round(r.spent / greatest(r.orders, 1), 2) AS avg_{column++} /* metric */");
        }

        report.Append(" FROM ranked r JOIN crm.customers c ON c.id = r.customer_id "
            + "LEFT JOIN crm.addresses a ON a.customer_id = c.id AND a.kind = 'billing' "
            + "WHERE r.pos <= 100 AND c.email NOT LIKE '%@example.com' ORDER BY r.pos LIMIT 100");
        _report = report.ToString();
        foreach (string sql in new[] { ShortSelect, _report, MultiStatement })
        {
            if (SqlClassifier.Classify(sql).Any(s => s.Uncertainty is not null))
            {
                throw new InvalidOperationException("benchmark input does not classify: " + sql);
            }
        }
    }

    /// <summary>A one-line parameterised lookup.</summary>
    [Benchmark(Baseline = true)]
    public IReadOnlyList<SqlStatement> ShortLookup() => SqlClassifier.Classify(ShortSelect);

    /// <summary>About 2 KB of reporting SQL.</summary>
    [Benchmark]
    public IReadOnlyList<SqlStatement> ReportingQuery() => SqlClassifier.Classify(_report);

    /// <summary>Five statements in one simple query.</summary>
    [Benchmark]
    public IReadOnlyList<SqlStatement> FiveStatements() => SqlClassifier.Classify(MultiStatement);
}
