using Sluice.Core.Sql;

namespace Sluice.Core.Tests.Sql;

/// <summary>The games a caller plays to get a write or worse past a guardrail that only looks at text.</summary>
public sealed class SqlClassifierEvasionTests
{
    private static StatementClass[] Classes(string sql) =>
        SqlClassifier.Classify(sql).Select(s => s.Class).ToArray();

    [Theory]
    [InlineData("DELETE FROM t")]
    [InlineData("delete from t")]
    [InlineData("DeLeTe FrOm t")]
    [InlineData("  \t\r\n DELETE\n\n\tFROM\r\nt  ")]
    [InlineData("/* harmless */ DELETE FROM t")]
    [InlineData("DELETE/**/FROM/**/t")]
    [InlineData("-- SELECT\nDELETE FROM t")]
    [InlineData("/* /* nested */ SELECT */ DELETE FROM t")]
    [InlineData("DELETE -- comment\r FROM t")]
    [InlineData("\fDELETE\vFROM t")]
    [InlineData("DELETE FROM t;")]
    [InlineData(";;DELETE FROM t;;")]
    public void Comments_case_and_whitespace_do_not_change_the_class(string sql)
    {
        SqlStatement statement = Assert.Single(SqlClassifier.Classify(sql));
        Assert.Equal(StatementClass.Write, statement.Class);
        Assert.Equal("DELETE", statement.Keyword);
        Assert.Equal("t", Assert.Single(statement.Relations).Name);
        Assert.True(statement.IsWriteWithoutWhere);
    }

    [Fact]
    public void A_comment_inside_a_keyword_splits_it_into_words_the_server_does_not_know()
    {
        SqlStatement statement = Assert.Single(SqlClassifier.Classify("DE/**/LETE FROM t"));
        Assert.Equal(StatementClass.Unknown, statement.Class);
    }

    [Fact]
    public void All_layouts_of_one_statement_share_a_fingerprint()
    {
        string[] layouts = ["DELETE FROM t", "delete /* x */ from\n T", "-- c\nDELETE\tFROM t;"];
        string[] prints = layouts.Select(s => Assert.Single(SqlClassifier.Classify(s)).Fingerprint).ToArray();
        Assert.All(prints, p => Assert.Equal(prints[0], p));
    }

    [Theory]
    [InlineData("SELECT 1; DELETE FROM t")]
    [InlineData("SELECT 1;DELETE FROM t")]
    [InlineData("SELECT 1 -- ;\n; DELETE FROM t")]
    [InlineData("SELECT 1 /* ; */; DELETE FROM t")]
    [InlineData("SELECT 'a;b'; DELETE FROM t")]
    [InlineData("SELECT $$;$$; DELETE FROM t")]
    [InlineData("SELECT \"a;b\" FROM x; DELETE FROM t")]
    [InlineData("SELECT 1 --\r DELETE FROM nothing; DELETE FROM t")]
    public void A_second_statement_after_a_harmless_one_is_classified_on_its_own(string sql)
    {
        Assert.Equal([StatementClass.Read, StatementClass.Write], Classes(sql));
        Assert.Equal("DELETE FROM t", SqlClassifier.Classify(sql)[1].Text);
    }

    [Theory]
    [InlineData("SELECT 'x;DELETE FROM t'")]
    [InlineData("SELECT E'\\';DELETE FROM t'")]
    [InlineData("SELECT $a$ $$; DELETE FROM t; $$ $a$")]
    [InlineData("SELECT 1 -- ; DELETE FROM t")]
    [InlineData("SELECT 1 --\u2028; DELETE FROM t")]
    [InlineData("SELECT /* ; DELETE FROM t */ 1")]
    [InlineData("SELECT (1; DELETE FROM t)")]
    public void Semicolons_that_are_not_top_level_do_not_split(string sql)
    {
        Assert.Single(SqlClassifier.Classify(sql));
    }

    [Fact]
    public void A_semicolon_inside_unbalanced_parentheses_makes_the_text_unknown()
    {
        Assert.Equal([StatementClass.Unknown], Classes("SELECT (1; DELETE FROM t"));
        Assert.Equal([StatementClass.Unknown, StatementClass.Write], Classes("SELECT 1); DELETE FROM t"));
    }

    [Fact]
    public void A_begin_atomic_body_is_one_statement()
    {
        const string sql = "CREATE FUNCTION f() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT CASE WHEN true THEN 1 END;"
            + " DELETE FROM t; END; SELECT 2";
        IReadOnlyList<SqlStatement> statements = SqlClassifier.Classify(sql);
        Assert.Equal([StatementClass.Ddl, StatementClass.Read], statements.Select(s => s.Class));
        Assert.Equal("CREATE FUNCTION", statements[0].Keyword);
        Assert.Contains(new SqlName(null, "t"), statements[0].Relations);
    }

    [Fact]
    public void Begin_starts_a_transaction_outside_routine_bodies()
    {
        Assert.Equal([StatementClass.Transaction, StatementClass.Write, StatementClass.Transaction],
            Classes("BEGIN; DELETE FROM t; END"));
    }

    [Theory]
    [InlineData("DO $$ BEGIN EXECUTE 'DROP TABLE t'; END $$")]
    [InlineData("do language plpgsql $body$ begin delete from t; end $body$")]
    [InlineData("EXECUTE p")]
    [InlineData("PREPARE p AS SELECT 1")]
    [InlineData("CALL cleanup()")]
    [InlineData("SELECT query_to_xml('DELETE FROM t RETURNING 1', true, false, '')")]
    [InlineData("SELECT * FROM dblink('host=x', 'DROP TABLE t') AS r(a int)")]
    [InlineData("SELECT pg_catalog.dblink_exec('DROP TABLE t')")]
    [InlineData("SELECT \"query_to_xml\"('select 1', true, false, '')")]
    [InlineData("SELECT U&\"query\\005fto_xml\"('select 1', true, false, '')")]
    [InlineData("SELECT U&\"query!005fto_xml\" UESCAPE '!' ('select 1', true, false, '')")]
    [InlineData("SELECT set_config('role', 'admin', false)")]
    [InlineData("SELECT table_to_xml('secrets', true, false, '')")]
    public void Dynamic_sql_is_dynamic(string sql)
    {
        Assert.Equal(StatementClass.Dynamic, Assert.Single(SqlClassifier.Classify(sql)).Class);
    }

    [Fact]
    public void Functions_that_run_sql_are_recorded()
    {
        SqlStatement statement = Assert.Single(SqlClassifier.Classify(
            "SELECT x FROM dblink('db', 'select 1') AS r(x int) "
            + "WHERE query_to_xml('select 2', true, false, '') IS NOT NULL"));
        Assert.Equal([new SqlName(null, "dblink"), new SqlName(null, "query_to_xml")], statement.Functions);
    }

    [Fact]
    public void A_prepared_write_reports_its_body()
    {
        SqlStatement statement = Assert.Single(SqlClassifier.Classify("PREPARE wipe AS DELETE FROM t"));
        Assert.Equal(StatementClass.Dynamic, statement.Class);
        Assert.Equal(StatementClass.Write, statement.BodyClass);
        Assert.True(statement.IsWriteWithoutWhere);
        Assert.Empty(statement.Functions);
    }

    [Theory]
    [InlineData("\"DELETE\" FROM t")]
    [InlineData("SELECT 1 \\g")]
    [InlineData("\\! rm -rf /")]
    public void Quoted_keywords_and_client_meta_commands_are_unknown(string sql)
    {
        Assert.Equal(StatementClass.Unknown, SqlClassifier.Classify(sql)[0].Class);
    }

    [Fact]
    public void A_backslash_before_a_quote_is_unknown_because_the_server_setting_decides_the_string_end()
    {
        // With standard_conforming_strings off the server reads one string up to the final quote.
        IReadOnlyList<SqlStatement> statements = SqlClassifier.Classify("SELECT 'a\\'; DELETE FROM t; --'");
        SqlStatement statement = Assert.Single(statements);
        Assert.Equal(StatementClass.Unknown, statement.Class);
        Assert.Contains("standard_conforming_strings", statement.Uncertainty, StringComparison.Ordinal);
    }

    [Fact]
    public void Write_hidden_in_a_cte_or_explain_analyze_is_a_write()
    {
        Assert.Equal(StatementClass.Write,
            Assert.Single(SqlClassifier.Classify("WITH gone AS (DELETE FROM t RETURNING *) SELECT count(*) FROM gone"))
                .Class);
        Assert.Equal(StatementClass.Write,
            Assert.Single(SqlClassifier.Classify("explain (analyze) with x as (update t set a=1 returning a) select 1"))
                .Class);
    }
}
