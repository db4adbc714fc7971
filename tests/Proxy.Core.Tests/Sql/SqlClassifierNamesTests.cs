using Sluice.Core.Sql;

namespace Sluice.Core.Tests.Sql;

public sealed class SqlClassifierNamesTests
{
    [Theory]
    [InlineData("SELECT * FROM t", "t")]
    [InlineData("SELECT * FROM public.t AS x JOIN s.u y ON x.id = y.id", "public.t|s.u")]
    [InlineData("SELECT * FROM a, b, c WHERE a.x = b.x", "a|b|c")]
    [InlineData("SELECT * FROM a LEFT OUTER JOIN b USING (id) CROSS JOIN c", "a|b|c")]
    [InlineData("SELECT * FROM (SELECT * FROM inner_t) sub JOIN o ON true", "inner_t|o")]
    [InlineData("SELECT * FROM ONLY parent *", "parent")]
    [InlineData("SELECT * FROM \"Mixed Case\".\"Tab\"", "Mixed Case.Tab")]
    [InlineData("SELECT * FROM MyTable", "mytable")]
    [InlineData("SELECT extract(year FROM ts), substring(s FROM 2) FROM t", "t")]
    [InlineData("SELECT * FROM t WHERE a IS DISTINCT FROM b", "t")]
    [InlineData("SELECT * FROM generate_series(1, 3) g, t", "t")]
    [InlineData("SELECT * FROM t x(a, b)", "t")]
    [InlineData("SELECT * FROM t WHERE EXISTS (SELECT 1 FROM u)", "t|u")]
    [InlineData("SELECT 1 UNION TABLE other", "other")]
    [InlineData("INSERT INTO t (a, b) SELECT a, b FROM s", "t|s")]
    [InlineData("UPDATE ONLY t SET a = u.a FROM u WHERE t.id = u.id", "t|u")]
    [InlineData("DELETE FROM t USING u, v WHERE t.id = u.id", "t|u|v")]
    [InlineData("MERGE INTO t USING s ON t.id = s.id WHEN NOT MATCHED THEN INSERT (id) VALUES (s.id)", "t|s")]
    [InlineData("TRUNCATE TABLE a, ONLY b RESTART IDENTITY", "a|b")]
    [InlineData("TRUNCATE a", "a")]
    [InlineData("COPY app.t (a, b) FROM STDIN", "app.t")]
    [InlineData("COPY (SELECT * FROM x JOIN y ON true) TO STDOUT", "x|y")]
    [InlineData("LOCK a, b IN SHARE MODE", "a|b")]
    [InlineData("VACUUM FULL a, b (c)", "a|b")]
    [InlineData("CREATE TABLE IF NOT EXISTS t (id int REFERENCES p (id))", "t|p")]
    [InlineData("CREATE TABLE t2 AS SELECT * FROM t1", "t2|t1")]
    [InlineData("CREATE INDEX CONCURRENTLY IF NOT EXISTS i ON ONLY t (a)", "t")]
    [InlineData("CREATE INDEX ON t USING btree (a)", "t")]
    [InlineData("DROP TABLE a, s.b", "a|s.b")]
    [InlineData("ALTER TABLE IF EXISTS ONLY t RENAME TO u", "t")]
    [InlineData("CREATE TRIGGER tr BEFORE UPDATE ON t FOR EACH ROW EXECUTE FUNCTION f()", "t")]
    [InlineData("CREATE POLICY p ON t USING (owner = current_user)", "t")]
    [InlineData("COMMENT ON COLUMN s.t.c IS 'x'", "s.t")]
    [InlineData("GRANT SELECT, UPDATE ON t, u TO bob", "t|u")]
    [InlineData("GRANT SELECT ON TABLE t TO bob", "t")]
    [InlineData("GRANT USAGE ON SCHEMA s TO bob", "")]
    [InlineData("SELECT a INTO TEMP newtab FROM t", "newtab|t")]
    [InlineData("EXPLAIN ANALYZE SELECT * FROM t", "t")]
    [InlineData("PREPARE p AS DELETE FROM t", "t")]
    [InlineData("DECLARE c CURSOR FOR SELECT * FROM t", "t")]
    [InlineData("WITH x AS (SELECT * FROM t) SELECT * FROM x", "t|x")]
    [InlineData("REFRESH MATERIALIZED VIEW mv", "mv")]
    [InlineData("SELECT 1", "")]
    public void Collects_relations(string sql, string expected)
    {
        SqlStatement statement = Assert.Single(SqlClassifier.Classify(sql));
        Assert.Equal(expected, string.Join('|', statement.Relations));
    }

    [Theory]
    [InlineData("SELECT lower(name), count(*) FROM t", "lower|count")]
    [InlineData("SELECT pg_catalog.pg_sleep(1)", "pg_catalog.pg_sleep")]
    [InlineData("SELECT \"Weird\"(1)", "Weird")]
    [InlineData("SELECT now /* c */ ()", "now")]
    [InlineData("SELECT * FROM t WHERE id IN (1, 2) AND EXISTS (SELECT 1) AND x = ANY (ARRAY[1])", "")]
    [InlineData("SELECT CAST(x AS varchar(10)), y::numeric(10, 2), coalesce(a, b) FROM t", "")]
    [InlineData("INSERT INTO t (a) VALUES (1) ON CONFLICT (a) DO UPDATE SET a = excluded.a", "")]
    [InlineData("SELECT sum(x) FILTER (WHERE y) OVER (PARTITION BY z) FROM t GROUP BY ROLLUP (a)", "sum")]
    [InlineData("SELECT * FROM generate_series(1, 3) AS g(n)", "generate_series")]
    [InlineData("WITH x(a) AS (SELECT 1) SELECT * FROM x", "")]
    [InlineData("CALL app.do_it(1)", "app.do_it")]
    [InlineData("EXECUTE stmt(1)", "")]
    [InlineData("SELECT left('abc', 1)", "left")]
    [InlineData("COPY (SELECT f(x) FROM t) TO STDOUT WITH (FORMAT csv, FORCE_QUOTE (a))", "f")]
    public void Collects_functions(string sql, string expected)
    {
        SqlStatement statement = Assert.Single(SqlClassifier.Classify(sql));
        Assert.Equal(expected, string.Join('|', statement.Functions));
    }
}
