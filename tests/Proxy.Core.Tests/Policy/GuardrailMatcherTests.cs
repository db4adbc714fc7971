using Sluice.Core.Configuration;
using Sluice.Core.Policy;
using Sluice.Core.Sql;
using static Sluice.Core.Tests.Policy.Statements;

namespace Sluice.Core.Tests.Policy;

public sealed class GuardrailMatcherTests
{
    private static PolicyDecision Evaluate(PolicyMatchConfig match, SqlStatement statement) =>
        new GuardrailPolicy(new PolicyConfig
            {
                Rules = [new PolicyRuleConfig { Name = "rule", Kind = PolicyRuleKind.Deny, Match = match }],
            })
            .ForPrincipal("svc", [])
            .Evaluate(statement);

    private static void Denied(PolicyMatchConfig match, SqlStatement statement, string reason)
    {
        var decision = Evaluate(match, statement);
        Assert.Equal(PolicyEffect.Deny, decision.Effect);
        Assert.Equal("rule", decision.RuleName);
        Assert.Equal(reason, decision.Reason);
    }

    private static void Passes(PolicyMatchConfig match, SqlStatement statement) =>
        Assert.Same(PolicyDecision.Allowed, Evaluate(match, statement));

    [Fact]
    public void Class_matcher_names_the_class()
    {
        var match = new PolicyMatchConfig { Classes = [StatementClass.Ddl, StatementClass.Privilege] };

        Denied(match, Make(StatementClass.Ddl), "statement class ddl is denied by rule rule");
        Denied(match, Make(StatementClass.Privilege), "statement class privilege is denied by rule rule");
        Passes(match, Make(StatementClass.Read));
        Passes(match, Make(StatementClass.Write));
    }

    [Fact]
    public void Function_globs_ignore_case_and_any_schema()
    {
        var match = new PolicyMatchConfig { Functions = ["pg_read_file", "dblink*"] };

        Denied(match, Call("pg_read_file"), "function pg_read_file is denied by rule rule");
        Denied(match, Call("PG_READ_FILE", "pg_catalog"), "function pg_catalog.PG_READ_FILE is denied by rule rule");
        Denied(match, Call("dblink_exec", "public"), "function public.dblink_exec is denied by rule rule");
        Passes(match, Call("pg_read_file_x"));
        Passes(match, Call("now"));
    }

    [Fact]
    public void Qualified_function_glob_takes_unqualified_calls_as_pg_catalog()
    {
        var match = new PolicyMatchConfig { Functions = ["pg_catalog.lo_*"] };

        Denied(match, Call("lo_export"), "function lo_export is denied by rule rule");
        Passes(match, Call("lo_export", "myschema"));
    }

    [Fact]
    public void Relation_globs_match_schema_and_name()
    {
        var match = new PolicyMatchConfig { Relations = ["vault.*", "*.api_keys", "audit_?"] };

        Denied(match, Select(Name("vault", "secrets")), "relation vault.secrets is denied by rule rule");
        Denied(match, Select(Name("public", "orders"), Name("app", "API_KEYS")),
            "relation app.API_KEYS is denied by rule rule");
        Denied(match, Select(Name("audit_1")), "relation audit_1 is denied by rule rule");
        Denied(match, Select(Name("api_keys")), "relation api_keys is denied by rule rule");
        Passes(match, Select(Name("secrets")));
        Passes(match, Select(Name("public", "audit_10")));
        Passes(match, Select(Name("vaults", "x")));
    }

    [Fact]
    public void Unqualified_glob_matches_a_relation_in_any_schema()
    {
        var match = new PolicyMatchConfig { Relations = ["customers"] };

        Denied(match, Select(Name("crm", "customers")), "relation crm.customers is denied by rule rule");
        Denied(match, Select(Name("customers")), "relation customers is denied by rule rule");
    }

    [Fact]
    public void Settings_match_by_name_and_reset_all_matches_any()
    {
        var match = new PolicyMatchConfig { Settings = ["search_path", "app.*"] };

        Denied(match, Make(StatementClass.SessionSetting, setting: "SEARCH_PATH"),
            "setting SEARCH_PATH is denied by rule rule");
        Denied(match, Make(StatementClass.SessionSetting, setting: "app.tenant"),
            "setting app.tenant is denied by rule rule");
        Denied(match, Make(StatementClass.SessionSetting, setting: "all"), "setting all is denied by rule rule");
        Passes(match, Make(StatementClass.SessionSetting, setting: "work_mem"));
        Passes(match, Make(StatementClass.Read));
    }

    [Fact]
    public void Copy_program_matches_only_server_side_copy()
    {
        var match = new PolicyMatchConfig { CopyProgram = true };

        Denied(match, Make(StatementClass.Copy, "COPY t FROM PROGRAM 'curl x'"),
            "COPY to or from a program or server file is denied by rule rule");
        Denied(match, Make(StatementClass.Copy, "copy t to '/tmp/t.csv'"),
            "COPY to or from a program or server file is denied by rule rule");
        Passes(match, Make(StatementClass.Copy, "COPY t TO STDOUT"));
        Passes(match, Make(StatementClass.Copy, "COPY (SELECT 1 FROM y) TO STDOUT"));
        Passes(match, Make(StatementClass.Read, "SELECT 'COPY t TO PROGRAM'"));
    }

    [Fact]
    public void Write_without_where_names_the_keyword()
    {
        var match = new PolicyMatchConfig { WriteWithoutWhere = true };

        Denied(match, Make(StatementClass.Write, writeWithoutWhere: true, keyword: "update"),
            "UPDATE without WHERE is denied by rule rule");
        Denied(match, Make(StatementClass.Write, writeWithoutWhere: true),
            "UPDATE or DELETE without WHERE is denied by rule rule");
        Passes(match, Make(StatementClass.Write, keyword: "DELETE"));
    }

    [Fact]
    public void Pattern_searches_the_statement_text()
    {
        var match = new PolicyMatchConfig { Pattern = @"(?i)pg_sleep\s*\(\s*[0-9]{4,}" };

        Denied(match, Make(StatementClass.Read, "select PG_SLEEP( 10000)"),
            "statement text matching the rule's pattern is denied by rule rule");
        Passes(match, Make(StatementClass.Read, "select pg_sleep(1)"));
    }

    [Fact]
    public void All_matchers_of_a_rule_must_match()
    {
        var match = new PolicyMatchConfig { Classes = [StatementClass.Write], Relations = ["customers"] };
        var write = Make(StatementClass.Write, relations: [Name("customers")], keyword: "DELETE");

        Denied(match, write, "statement class write and relation customers is denied by rule rule");
        Passes(match, Select(Name("customers")));
        Passes(match, Make(StatementClass.Write, relations: [Name("orders")]));
    }
}
