using Sluice.Core.Configuration;
using Sluice.Core.Policy;
using Sluice.Core.Sql;
using Sluice.Core.Tests.Identity;
using static Sluice.Core.Tests.Policy.Statements;

namespace Sluice.Core.Tests.Policy;

public sealed class GuardrailPolicyTests
{
    private static PolicyRuleConfig Deny(string name, PolicyMatchConfig match, string[]? identities = null,
        string[]? groups = null) =>
        new()
        {
            Name = name,
            Kind = PolicyRuleKind.Deny,
            Match = match,
            Identities = identities ?? [],
            Groups = groups ?? [],
        };

    private static PolicyRuleConfig Allow(string name, PolicyMatchConfig match, string[]? identities = null) =>
        new() { Name = name, Kind = PolicyRuleKind.Allow, Match = match, Identities = identities ?? [] };

    private static PolicyRuleConfig Approve(
        string name, PolicyApprovalConfig approval, PolicyMatchConfig? match = null, string[]? groups = null) =>
        new()
        {
            Name = name,
            Kind = PolicyRuleKind.RequireApproval,
            Match = match ?? new PolicyMatchConfig(),
            Approval = approval,
            Groups = groups ?? [],
        };

    private static GuardrailScope Scope(
        IReadOnlyList<PolicyRuleConfig> rules,
        string subject = "svc",
        string[]? groups = null,
        bool denyUnknown = true) =>
        new GuardrailPolicy(new PolicyConfig { Rules = rules, DenyUnknown = denyUnknown })
            .ForPrincipal(subject, groups ?? []);

    private static readonly PolicyMatchConfig Ddl = new() { Classes = [StatementClass.Ddl] };

    [Fact]
    public void Rule_without_identities_or_groups_applies_to_everyone()
    {
        var rules = new[] { Deny("ddl", Ddl) };

        Assert.Equal(PolicyEffect.Deny, Scope(rules, "a").Evaluate(Make(StatementClass.Ddl)).Effect);
        Assert.Equal(PolicyEffect.Deny, Scope(rules, "b", ["g"]).Evaluate(Make(StatementClass.Ddl)).Effect);
    }

    [Fact]
    public void Rule_applies_by_identity_or_any_group()
    {
        var rules = new[] { Deny("ddl", Ddl, identities: ["alice"], groups: ["demo"]) };
        var ddl = Make(StatementClass.Ddl);

        Assert.Equal(PolicyEffect.Deny, Scope(rules, "alice").Evaluate(ddl).Effect);
        Assert.Equal(PolicyEffect.Deny, Scope(rules, "bob", ["x", "demo"]).Evaluate(ddl).Effect);
        Assert.Same(PolicyDecision.Allowed, Scope(rules, "bob", ["x"]).Evaluate(ddl));
        Assert.Same(PolicyDecision.Allowed, Scope(rules, "Alice").Evaluate(ddl));
        Assert.Same(PolicyDecision.Allowed, Scope(rules, "demo").Evaluate(ddl));
    }

    [Fact]
    public void First_matching_rule_decides()
    {
        var rules = new[]
        {
            Deny("first", new PolicyMatchConfig { Relations = ["customers"] }),
            Approve("second", new PolicyApprovalConfig(), new PolicyMatchConfig { Relations = ["*"] }),
        };
        var scope = Scope(rules);

        Assert.Equal("first", scope.Evaluate(Select(Name("customers"))).RuleName);
        Assert.Equal("second", scope.Evaluate(Select(Name("orders"))).RuleName);
        Assert.Same(PolicyDecision.Allowed, scope.Evaluate(Make(StatementClass.Ddl)));
    }

    [Fact]
    public void Matching_allow_rule_stops_evaluation()
    {
        var rules = new[]
        {
            Allow("reporting", new PolicyMatchConfig { Classes = [StatementClass.Read] }, identities: ["reporter"]),
            Deny("secrets", new PolicyMatchConfig { Relations = ["secrets"] }),
        };

        var allowed = Scope(rules, "reporter").Evaluate(Select(Name("secrets")));
        Assert.Equal(PolicyEffect.Allow, allowed.Effect);
        Assert.Equal("reporting", allowed.RuleName);
        Assert.Equal("statement class read is allowed by rule reporting", allowed.Reason);

        Assert.Equal("secrets", Scope(rules, "other").Evaluate(Select(Name("secrets"))).RuleName);
        Assert.Equal("secrets", Scope(rules, "reporter").Evaluate(
            Make(StatementClass.Write, relations: [Name("secrets")])).RuleName);
    }

    [Fact]
    public void Unknown_is_denied_by_default()
    {
        var decision = Scope([]).Evaluate(Make(StatementClass.Unknown, "FROBNICATE"));

        Assert.Equal(PolicyEffect.Deny, decision.Effect);
        Assert.Equal(GuardrailScope.UnknownStatementRule, decision.RuleName);
        Assert.Equal("a statement the gateway cannot classify is denied by rule unknown-statement", decision.Reason);
        Assert.Equal(PolicyEffect.Deny, GuardrailPolicy.AllowAll.ForPrincipal("x", []).Evaluate(
            Make(StatementClass.Unknown)).Effect);
        Assert.Same(PolicyDecision.Allowed, GuardrailPolicy.AllowAll.ForPrincipal("x", []).Evaluate(
            Make(StatementClass.Ddl)));
    }

    [Fact]
    public void Unknown_passes_when_deny_unknown_is_off_or_an_allow_rule_matches()
    {
        Assert.Same(PolicyDecision.Allowed, Scope([], denyUnknown: false).Evaluate(Make(StatementClass.Unknown)));

        var rules = new[] { Allow("vendor-extension", new PolicyMatchConfig { Pattern = "^FROBNICATE" }) };
        var decision = Scope(rules).Evaluate(Make(StatementClass.Unknown, "FROBNICATE now"));
        Assert.Equal((PolicyEffect.Allow, "vendor-extension"), (decision.Effect, decision.RuleName));
        Assert.Equal(PolicyEffect.Deny, Scope(rules).Evaluate(Make(StatementClass.Unknown, "other")).Effect);
    }

    [Fact]
    public void Deny_rule_on_unknown_class_names_itself()
    {
        var rules = new[] { Deny("no-unknown", new PolicyMatchConfig { Classes = [StatementClass.Unknown] }) };

        var decision = Scope(rules, denyUnknown: false).Evaluate(Make(StatementClass.Unknown));

        Assert.Equal(("no-unknown", "statement class unknown is denied by rule no-unknown"),
            (decision.RuleName, decision.Reason));
    }

    [Fact]
    public void Approval_decision_carries_mode_and_timeout()
    {
        var rules = new[]
        {
            Approve(
                "personal-data",
                new PolicyApprovalConfig { Mode = ApprovalMode.Ticket, Timeout = TimeSpan.FromMinutes(2) },
                new PolicyMatchConfig { Relations = ["customers"] }),
        };

        var decision = Scope(rules).Evaluate(Select(Name("crm", "customers")));

        Assert.Equal(PolicyEffect.RequireApproval, decision.Effect);
        Assert.Equal("personal-data", decision.RuleName);
        Assert.Equal("relation crm.customers requires approval by rule personal-data", decision.Reason);
        Assert.Equal(ApprovalMode.Ticket, decision.Mode);
        Assert.Equal(TimeSpan.FromMinutes(2), decision.Timeout);
    }

    [Fact]
    public void Volume_rules_do_not_decide_statements_but_are_exposed_per_principal()
    {
        var rules = new[]
        {
            Approve("etl-rows", new PolicyApprovalConfig { Rows = 10 }, groups: ["etl"]),
            Approve(
                "big-exports",
                new PolicyApprovalConfig { Rows = 5000, Bytes = 1 << 20, Timeout = TimeSpan.FromMinutes(3) }),
            Approve("later", new PolicyApprovalConfig { Rows = 1 }),
            Approve("daily", new PolicyApprovalConfig
            {
                RowsPerWindow = 100, Window = TimeSpan.FromHours(1), Mode = ApprovalMode.Ticket,
            }),
        };

        var scope = Scope(rules);
        Assert.Same(PolicyDecision.Allowed, scope.Evaluate(Select(Name("customers"))));
        Assert.Equal(
            new VolumeLimit("big-exports", 5000, 1 << 20, ApprovalMode.Wait, TimeSpan.FromMinutes(3)),
            scope.PerStatementVolume);
        Assert.Equal(("daily", 100L, ApprovalMode.Ticket), (scope.WindowVolume!.RuleName, scope.WindowVolume.Rows,
            scope.WindowVolume.Mode));

        Assert.Equal("etl-rows", Scope(rules, groups: ["etl"]).PerStatementVolume!.RuleName);
        Assert.Null(Scope([]).PerStatementVolume);
        Assert.Null(Scope([]).WindowVolume);
    }

    [Fact]
    public void Volume_limit_is_exceeded_above_either_threshold()
    {
        var rows = new VolumeLimit("r", 5000, null, ApprovalMode.Wait, TimeSpan.FromMinutes(1));
        var both = new VolumeLimit("b", 10, 100, ApprovalMode.Wait, TimeSpan.FromMinutes(1));

        Assert.False(rows.IsExceeded(5000, long.MaxValue));
        Assert.True(rows.IsExceeded(5001, 0));
        Assert.False(both.IsExceeded(10, 100));
        Assert.True(both.IsExceeded(1, 101));
        Assert.True(both.IsExceeded(11, 1));
    }

    [Fact]
    public void Window_counter_is_shared_by_every_session_of_the_policy()
    {
        var time = new ManualTimeProvider(DateTimeOffset.UnixEpoch);
        var policy = new GuardrailPolicy(
            new PolicyConfig
            {
                Rules =
                [
                    Approve("daily", new PolicyApprovalConfig { RowsPerWindow = 100, Window = TimeSpan.FromHours(1) }),
                ],
            },
            time);

        var first = policy.ForPrincipal("svc", []).WindowVolume!;
        var second = policy.ForPrincipal("svc", ["g"]).WindowVolume!;

        Assert.Same(first, second);
        Assert.False(first.Add("svc", 60, 0));
        Assert.True(second.Add("svc", 60, 0));
    }
}
