using Sluice.Core.Configuration;
using Sluice.Core.Policy;
using Sluice.Core.Sql;

namespace Sluice.Core.Tests.Configuration;

public sealed class ConfigLoaderPolicyTests
{
    private const string Source = "/etc/sluice/sluice.yaml";

    // Starts on line 5, after the four lines of ConfigLoaderTests.Minimal.
    private const string Policy = """
        policy:
          rules:
            - name: ddl-and-privileges
              groups: [demo]
              deny:
                classes: [ddl, privilege]
            - name: no-file-access
              deny:
                functions: [pg_read_file, pg_read_binary_file, pg_ls_dir, lo_export, lo_import, "dblink*"]
            - name: no-copy-program
              deny: { copy_program: true }
            - name: no-unbounded-writes
              deny: { write_without_where: true }
            - name: guarded-settings
              deny: { settings: [client_encoding, standard_conforming_strings, search_path, session_replication_role] }
            - name: secret-tables
              deny: { relations: ["vault.*", "*.api_keys"] }
            - name: pattern
              deny: { pattern: "(?i)pg_sleep\\s*\\(\\s*[0-9]{4,}" }
            - name: allow-reporting
              identities: [reporter]
              allow: { classes: [read] }
            - name: personal-data-needs-approval
              require_approval: { relations: [customers], mode: wait, timeout: 2m }
            - name: big-exports
              require_approval: { rows: 5000, mode: wait, timeout: 5m }
            - name: daily-volume
              require_approval: { rows_per_window: 100000, bytes_per_window: 1GiB, window: 1h, mode: ticket }
          deny_unknown: true
        """;

    private static PolicyConfig Parse(string policy) =>
        ConfigLoader.Parse(ConfigLoaderTests.Minimal(policy), Source).Policy;

    private static PolicyRuleConfig Rule(PolicyConfig config, string name) =>
        Assert.Single(config.Rules, r => r.Name == name);

    [Fact]
    public void Absent_section_has_no_rules_and_denies_unknown()
    {
        var config = Parse(string.Empty);

        Assert.Empty(config.Rules);
        Assert.True(config.DenyUnknown);
    }

    [Fact]
    public void Full_policy_section_keeps_order_and_lines()
    {
        var config = Parse(Policy);

        Assert.Equal(
            [
                "ddl-and-privileges", "no-file-access", "no-copy-program", "no-unbounded-writes", "guarded-settings",
                "secret-tables", "pattern", "allow-reporting", "personal-data-needs-approval", "big-exports",
                "daily-volume",
            ],
            config.Rules.Select(r => r.Name));
        Assert.Equal([7, 11, 14, 16, 18, 20, 22, 24, 27, 29, 31], config.Rules.Select(r => r.Line));
        Assert.True(config.DenyUnknown);
    }

    [Fact]
    public void Deny_matchers_bind()
    {
        var config = Parse(Policy);

        var ddl = Rule(config, "ddl-and-privileges");
        Assert.Equal(PolicyRuleKind.Deny, ddl.Kind);
        Assert.Equal(["demo"], ddl.Groups);
        Assert.Empty(ddl.Identities);
        Assert.Equal([StatementClass.Ddl, StatementClass.Privilege], ddl.Match.Classes);
        Assert.Null(ddl.Approval);

        Assert.Equal(
            ["pg_read_file", "pg_read_binary_file", "pg_ls_dir", "lo_export", "lo_import", "dblink*"],
            Rule(config, "no-file-access").Match.Functions);
        Assert.True(Rule(config, "no-copy-program").Match.CopyProgram);
        Assert.True(Rule(config, "no-unbounded-writes").Match.WriteWithoutWhere);
        Assert.Equal(
            ["client_encoding", "standard_conforming_strings", "search_path", "session_replication_role"],
            Rule(config, "guarded-settings").Match.Settings);
        Assert.Equal(["vault.*", "*.api_keys"], Rule(config, "secret-tables").Match.Relations);
        Assert.Equal(@"(?i)pg_sleep\s*\(\s*[0-9]{4,}", Rule(config, "pattern").Match.Pattern);
    }

    [Fact]
    public void Allow_rule_binds_identities()
    {
        var allow = Rule(Parse(Policy), "allow-reporting");

        Assert.Equal(PolicyRuleKind.Allow, allow.Kind);
        Assert.Equal(["reporter"], allow.Identities);
        Assert.Equal([StatementClass.Read], allow.Match.Classes);
    }

    [Fact]
    public void Approval_rules_bind_mode_timeout_and_thresholds()
    {
        var config = Parse(Policy);

        var personal = Rule(config, "personal-data-needs-approval");
        Assert.Equal(PolicyRuleKind.RequireApproval, personal.Kind);
        Assert.Equal(["customers"], personal.Match.Relations);
        Assert.Equal(ApprovalMode.Wait, personal.Approval!.Mode);
        Assert.Equal(TimeSpan.FromMinutes(2), personal.Approval.Timeout);
        Assert.False(personal.Approval.IsPerStatementVolume);
        Assert.False(personal.Approval.IsWindowVolume);

        var big = Rule(config, "big-exports").Approval!;
        Assert.True(big.IsPerStatementVolume);
        Assert.Equal((5000L, (long?)null), (big.Rows, big.Bytes));
        Assert.Equal(TimeSpan.FromMinutes(5), big.Timeout);
        Assert.True(Rule(config, "big-exports").Match.IsEmpty);

        var daily = Rule(config, "daily-volume").Approval!;
        Assert.True(daily.IsWindowVolume);
        Assert.Equal(ApprovalMode.Ticket, daily.Mode);
        Assert.Equal((100_000L, 1L << 30), (daily.RowsPerWindow, daily.BytesPerWindow));
        Assert.Equal(TimeSpan.FromHours(1), daily.Window);
    }

    [Fact]
    public void Approval_defaults_to_wait_for_five_minutes()
    {
        var rule = Assert.Single(
            Parse("policy:\n  rules:\n    - { name: r, require_approval: { bytes: 64MiB } }").Rules);

        Assert.Equal(ApprovalMode.Wait, rule.Approval!.Mode);
        Assert.Equal(TimeSpan.FromMinutes(5), rule.Approval.Timeout);
        Assert.Equal(64L << 20, rule.Approval.Bytes);
    }

    [Fact]
    public void Scalar_lists_and_deny_unknown_false_bind()
    {
        var config = Parse(
            "policy:\n  deny_unknown: false\n  rules:\n" +
            "    - { name: r, identities: bot, deny: { classes: unknown, settings: \"app.*\" } }");

        Assert.False(config.DenyUnknown);
        var rule = Assert.Single(config.Rules);
        Assert.Equal(["bot"], rule.Identities);
        Assert.Equal([StatementClass.Unknown], rule.Match.Classes);
        Assert.Equal(["app.*"], rule.Match.Settings);
    }

    [Fact]
    public void Loaded_policy_compiles_into_an_engine()
    {
        var guardrails = new GuardrailPolicy(Parse(Policy));
        var scope = guardrails.ForPrincipal("svc", ["demo"]);

        var decision = scope.Evaluate(
            new SqlStatement("DROP TABLE t", StatementClass.Ddl, [new SqlName(null, "t")], [], false, null, "DROP",
                "DROP TABLE t", null));

        Assert.Equal(PolicyEffect.Deny, decision.Effect);
        Assert.Equal("statement class ddl is denied by rule ddl-and-privileges", decision.Reason);
        Assert.Equal("big-exports", scope.PerStatementVolume!.RuleName);
        Assert.Equal("daily-volume", scope.WindowVolume!.RuleName);
    }
}
