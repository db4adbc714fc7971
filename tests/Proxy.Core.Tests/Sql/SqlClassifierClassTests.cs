using Sluice.Core.Sql;

namespace Sluice.Core.Tests.Sql;

public sealed class SqlClassifierClassTests
{
    [Theory]
    [InlineData("SELECT 1", StatementClass.Read, "SELECT")]
    [InlineData("select * from t where id = 5", StatementClass.Read, "SELECT")]
    [InlineData("VALUES (1), (2)", StatementClass.Read, "VALUES")]
    [InlineData("TABLE accounts", StatementClass.Read, "TABLE")]
    [InlineData("SHOW search_path", StatementClass.Read, "SHOW")]
    [InlineData("(SELECT 1) UNION (SELECT 2)", StatementClass.Read, "SELECT")]
    [InlineData("EXPLAIN SELECT * FROM t", StatementClass.Read, "EXPLAIN")]
    [InlineData("EXPLAIN DELETE FROM t", StatementClass.Read, "EXPLAIN")]
    [InlineData("EXPLAIN ANALYZE DELETE FROM t", StatementClass.Write, "EXPLAIN ANALYZE")]
    [InlineData("EXPLAIN (ANALYZE, BUFFERS) UPDATE t SET a = 1", StatementClass.Write, "EXPLAIN ANALYZE")]
    [InlineData("EXPLAIN (ANALYZE off) UPDATE t SET a = 1", StatementClass.Read, "EXPLAIN")]
    [InlineData("EXPLAIN (FORMAT JSON, ANALYZE true) SELECT 1", StatementClass.Read, "EXPLAIN ANALYZE")]
    [InlineData("SELECT a INTO newtab FROM t", StatementClass.Ddl, "SELECT")]
    [InlineData("SELECT * FROM t FOR UPDATE", StatementClass.Read, "SELECT")]
    [InlineData("INSERT INTO t VALUES (1)", StatementClass.Write, "INSERT")]
    [InlineData("UPDATE t SET a = 1 WHERE id = 2", StatementClass.Write, "UPDATE")]
    [InlineData("DELETE FROM t WHERE id = 2", StatementClass.Write, "DELETE")]
    [InlineData("MERGE INTO t USING s ON t.id = s.id WHEN MATCHED THEN DELETE", StatementClass.Write, "MERGE")]
    [InlineData("TRUNCATE t", StatementClass.Write, "TRUNCATE")]
    [InlineData("WITH x AS (SELECT 1) SELECT * FROM x", StatementClass.Read, "WITH…SELECT")]
    [InlineData("WITH x AS (DELETE FROM t RETURNING *) SELECT * FROM x", StatementClass.Write, "WITH…SELECT")]
    [InlineData("WITH RECURSIVE x(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM x) DELETE FROM t",
        StatementClass.Write, "WITH…DELETE")]
    [InlineData("WITH a AS MATERIALIZED (SELECT 1), b AS NOT MATERIALIZED (UPDATE t SET x = 1 RETURNING x) "
        + "TABLE b", StatementClass.Write, "WITH…TABLE")]
    [InlineData("CREATE TABLE t (id int primary key)", StatementClass.Ddl, "CREATE TABLE")]
    [InlineData("CREATE OR REPLACE VIEW v AS SELECT 1", StatementClass.Ddl, "CREATE VIEW")]
    [InlineData("create unique index concurrently i on t (a)", StatementClass.Ddl, "CREATE INDEX")]
    [InlineData("ALTER TABLE t ADD COLUMN c text", StatementClass.Ddl, "ALTER TABLE")]
    [InlineData("DROP TABLE IF EXISTS a, b CASCADE", StatementClass.Ddl, "DROP TABLE")]
    [InlineData("DROP MATERIALIZED VIEW mv", StatementClass.Ddl, "DROP MATERIALIZED VIEW")]
    [InlineData("COMMENT ON TABLE t IS 'x'", StatementClass.Ddl, "COMMENT")]
    [InlineData("SECURITY LABEL ON TABLE t IS 'secret'", StatementClass.Ddl, "SECURITY LABEL")]
    [InlineData("REFRESH MATERIALIZED VIEW CONCURRENTLY mv", StatementClass.Ddl, "REFRESH MATERIALIZED VIEW")]
    [InlineData("IMPORT FOREIGN SCHEMA s FROM SERVER srv INTO local", StatementClass.Ddl, "IMPORT FOREIGN SCHEMA")]
    [InlineData("CREATE USER MAPPING FOR bob SERVER srv", StatementClass.Ddl, "CREATE USER MAPPING")]
    [InlineData("CREATE ROLE admin SUPERUSER", StatementClass.Privilege, "CREATE ROLE")]
    [InlineData("ALTER USER bob PASSWORD 'x'", StatementClass.Privilege, "ALTER USER")]
    [InlineData("DROP GROUP g", StatementClass.Privilege, "DROP GROUP")]
    [InlineData("GRANT SELECT ON t TO bob", StatementClass.Privilege, "GRANT")]
    [InlineData("REVOKE ALL ON TABLE t FROM bob", StatementClass.Privilege, "REVOKE")]
    [InlineData("ALTER DEFAULT PRIVILEGES GRANT SELECT ON TABLES TO bob", StatementClass.Privilege,
        "ALTER DEFAULT PRIVILEGES")]
    [InlineData("REASSIGN OWNED BY a TO b", StatementClass.Privilege, "REASSIGN OWNED")]
    [InlineData("SET ROLE admin", StatementClass.Privilege, "SET ROLE")]
    [InlineData("SET LOCAL ROLE admin", StatementClass.Privilege, "SET LOCAL ROLE")]
    [InlineData("SET SESSION AUTHORIZATION postgres", StatementClass.Privilege, "SET SESSION AUTHORIZATION")]
    [InlineData("RESET ROLE", StatementClass.Privilege, "RESET ROLE")]
    [InlineData("SET \"role\" = 'admin'", StatementClass.Privilege, "SET")]
    [InlineData("set session_authorization to postgres", StatementClass.Privilege, "SET")]
    [InlineData("RESET \"session_authorization\"", StatementClass.Privilege, "RESET")]
    [InlineData("COPY t FROM STDIN", StatementClass.Copy, "COPY")]
    [InlineData("COPY (SELECT * FROM t) TO STDOUT", StatementClass.Copy, "COPY")]
    [InlineData("COPY t TO PROGRAM 'gzip > /tmp/x'", StatementClass.Copy, "COPY")]
    [InlineData("COPY (DELETE FROM t RETURNING *) TO STDOUT", StatementClass.Write, "COPY")]
    [InlineData("SET statement_timeout = 5", StatementClass.SessionSetting, "SET")]
    [InlineData("BEGIN", StatementClass.Transaction, "BEGIN")]
    [InlineData("START TRANSACTION ISOLATION LEVEL SERIALIZABLE", StatementClass.Transaction, "START TRANSACTION")]
    [InlineData("COMMIT", StatementClass.Transaction, "COMMIT")]
    [InlineData("END", StatementClass.Transaction, "END")]
    [InlineData("ROLLBACK TO SAVEPOINT s", StatementClass.Transaction, "ROLLBACK")]
    [InlineData("ABORT", StatementClass.Transaction, "ABORT")]
    [InlineData("SAVEPOINT s", StatementClass.Transaction, "SAVEPOINT")]
    [InlineData("RELEASE SAVEPOINT s", StatementClass.Transaction, "RELEASE")]
    [InlineData("PREPARE TRANSACTION 'x'", StatementClass.Transaction, "PREPARE TRANSACTION")]
    [InlineData("COMMIT PREPARED 'x'", StatementClass.Transaction, "COMMIT PREPARED")]
    [InlineData("ROLLBACK PREPARED 'x'", StatementClass.Transaction, "ROLLBACK PREPARED")]
    [InlineData("SET TRANSACTION READ ONLY", StatementClass.Transaction, "SET TRANSACTION")]
    [InlineData("VACUUM (VERBOSE) t", StatementClass.Admin, "VACUUM")]
    [InlineData("ANALYZE t", StatementClass.Admin, "ANALYZE")]
    [InlineData("CHECKPOINT", StatementClass.Admin, "CHECKPOINT")]
    [InlineData("CLUSTER t USING i", StatementClass.Admin, "CLUSTER")]
    [InlineData("REINDEX TABLE t", StatementClass.Admin, "REINDEX")]
    [InlineData("LOCK TABLE t IN ACCESS EXCLUSIVE MODE", StatementClass.Admin, "LOCK")]
    [InlineData("DISCARD ALL", StatementClass.Admin, "DISCARD")]
    [InlineData("LOAD 'auto_explain'", StatementClass.Admin, "LOAD")]
    [InlineData("LISTEN ch", StatementClass.Admin, "LISTEN")]
    [InlineData("UNLISTEN *", StatementClass.Admin, "UNLISTEN")]
    [InlineData("NOTIFY ch, 'x'", StatementClass.Admin, "NOTIFY")]
    [InlineData("DEALLOCATE ALL", StatementClass.Admin, "DEALLOCATE")]
    [InlineData("FETCH 10 FROM c", StatementClass.Admin, "FETCH")]
    [InlineData("MOVE NEXT IN c", StatementClass.Admin, "MOVE")]
    [InlineData("CLOSE c", StatementClass.Admin, "CLOSE")]
    [InlineData("DECLARE c CURSOR WITH HOLD FOR SELECT * FROM t", StatementClass.Read, "DECLARE")]
    [InlineData("DO $$BEGIN PERFORM 1; END$$", StatementClass.Dynamic, "DO")]
    [InlineData("EXECUTE stmt(1, 2)", StatementClass.Dynamic, "EXECUTE")]
    [InlineData("PREPARE p(int) AS SELECT * FROM t WHERE id = $1", StatementClass.Dynamic, "PREPARE")]
    [InlineData("CALL proc(1)", StatementClass.Dynamic, "CALL")]
    public void Classifies_by_leading_keywords(string sql, StatementClass expected, string keyword)
    {
        SqlStatement statement = Assert.Single(SqlClassifier.Classify(sql));
        Assert.Equal(expected, statement.Class);
        Assert.Equal(keyword, statement.Keyword);
        Assert.Null(statement.Uncertainty);
    }

    [Theory]
    [InlineData("SET search_path TO app, public", "search_path", "SET")]
    [InlineData("SET LOCAL work_mem = '64MB'", "work_mem", "SET LOCAL")]
    [InlineData("SET SESSION DateStyle TO ISO", "datestyle", "SET SESSION")]
    [InlineData("SET TIME ZONE 'UTC'", "timezone", "SET")]
    [InlineData("SET myapp.User_Id = 5", "myapp.user_id", "SET")]
    [InlineData("SET SCHEMA 'app'", "search_path", "SET")]
    [InlineData("RESET statement_timeout", "statement_timeout", "RESET")]
    [InlineData("RESET ALL", "all", "RESET")]
    [InlineData("reset time zone", "timezone", "RESET")]
    public void Session_settings_name_their_parameter(string sql, string setting, string keyword)
    {
        SqlStatement statement = Assert.Single(SqlClassifier.Classify(sql));
        Assert.Equal(StatementClass.SessionSetting, statement.Class);
        Assert.Equal(setting, statement.Setting);
        Assert.Equal(keyword, statement.Keyword);
    }

    [Theory]
    [InlineData("UPDATE t SET a = 1", true)]
    [InlineData("DELETE FROM t", true)]
    [InlineData("DELETE FROM t RETURNING *", true)]
    [InlineData("UPDATE t SET a = (SELECT b FROM u WHERE u.id = 1)", true)]
    [InlineData("DELETE FROM t WHERE id IN (SELECT id FROM u)", false)]
    [InlineData("UPDATE t SET a = 1 WHERE CURRENT OF c", false)]
    [InlineData("WITH d AS (DELETE FROM t RETURNING id) SELECT * FROM d", true)]
    [InlineData("WITH d AS (DELETE FROM t WHERE x RETURNING id) UPDATE u SET a = 1 WHERE b", false)]
    [InlineData("EXPLAIN ANALYZE DELETE FROM t", true)]
    [InlineData("INSERT INTO t SELECT * FROM u", false)]
    [InlineData("SELECT * FROM t", false)]
    public void Reports_writes_without_where(string sql, bool expected)
    {
        Assert.Equal(expected, Assert.Single(SqlClassifier.Classify(sql)).IsWriteWithoutWhere);
    }

    [Theory]
    [InlineData("PREPARE p AS DELETE FROM t", StatementClass.Write)]
    [InlineData("PREPARE p AS SELECT 1", StatementClass.Read)]
    [InlineData("EXPLAIN UPDATE t SET a = 1", StatementClass.Write)]
    [InlineData("COPY (SELECT 1) TO STDOUT", StatementClass.Read)]
    [InlineData("DECLARE c CURSOR FOR SELECT 1", StatementClass.Read)]
    public void Reports_the_class_of_a_carried_statement(string sql, StatementClass body)
    {
        Assert.Equal(body, Assert.Single(SqlClassifier.Classify(sql)).BodyClass);
    }

    [Theory]
    [InlineData("FROB t")]
    [InlineData("START")]
    [InlineData("'text'")]
    [InlineData("WITH x AS (SELECT 1)")]
    [InlineData("PREPARE p DELETE FROM t")]
    [InlineData("EXPLAIN")]
    [InlineData("SET")]
    [InlineData("CREATE")]
    [InlineData("DECLARE c FOR SELECT 1")]
    [InlineData("WITH x AS (FROB) SELECT 1")]
    public void Unrecognised_or_malformed_statements_are_unknown(string sql)
    {
        SqlStatement statement = Assert.Single(SqlClassifier.Classify(sql));
        Assert.Equal(StatementClass.Unknown, statement.Class);
        Assert.False(string.IsNullOrEmpty(statement.Uncertainty));
    }
}
