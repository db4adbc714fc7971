using System.Text;

namespace Sluice.Masking.Tests;

/// <summary>Rule resolution: scoping by identity and group, first match wins, derived columns fail closed.</summary>
public sealed class ScopeTests
{
    private static readonly byte[] Key = Encoding.UTF8.GetBytes("scope tests pseudonym key 32 by!");

    private static readonly MaskColumn Email = new("email", "public", "customers", "email", MaskValueKind.Text);
    private static readonly MaskColumn Id = new("id", "public", "customers", "id", MaskValueKind.Int32);
    private static readonly MaskColumn Notes = new("notes", "public", "orders", "notes", MaskValueKind.Text);
    private static readonly MaskColumn Upper = new("upper", null, null, null, MaskValueKind.Text);
    private static readonly MaskColumn Count = new("count", null, null, null, MaskValueKind.Int64);

    /// <summary>The brief's example: auditors see clear, support sees partial, etl sees pseudonyms.</summary>
    private static MaskingPolicy TeamPolicy() => new(
    [
        new MaskRule
        {
            Name = "auditors-clear", Groups = ["auditors"], Table = "customers", Column = "*",
            Strategy = new(MaskStrategyKind.Clear),
        },
        new MaskRule
        {
            Name = "support-email", Groups = ["support"], Table = "customers", Column = "email",
            Strategy = new(MaskStrategyKind.KeepEmailDomain),
        },
        new MaskRule
        {
            Name = "etl-email", Groups = ["etl"], Schema = "public", Table = "customers", Column = "email",
            Strategy = new(MaskStrategyKind.Pseudonym),
        },
        new MaskRule
        {
            Name = "everyone-email", Table = "customers", Column = "email", Strategy = new(MaskStrategyKind.Redact),
        },
    ], Key);

    private static string? MaskOne(MaskingScope scope, MaskColumn column, string value, bool readsProtected = true)
    {
        ResultMaskPlan? plan = scope.Plan([column], readsProtected);
        if (plan is null)
        {
            return value;
        }

        byte[] destination = new byte[256];
        int written = plan.MaskValue(0, Encoding.UTF8.GetBytes(value), destination, out _);
        return written < 0 ? null : Encoding.UTF8.GetString(destination, 0, written);
    }

    [Fact]
    public void Same_policy_gives_each_group_its_own_view()
    {
        MaskingPolicy policy = TeamPolicy();
        Assert.Equal("alice@example.com", MaskOne(policy.ForPrincipal("ann", ["auditors", "support"]), Email,
            "alice@example.com"));
        Assert.Equal("****@example.com", MaskOne(policy.ForPrincipal("sam", ["support"]), Email, "alice@example.com"));
        Assert.Matches("^pse_[0-9a-f]{16}@example.com$",
            MaskOne(policy.ForPrincipal("etl-job", ["etl"]), Email, "alice@example.com"));
        Assert.Equal("[redacted]", MaskOne(policy.ForPrincipal("guest", []), Email, "alice@example.com"));
    }

    [Fact]
    public void Identity_scoped_rule_applies_only_to_that_subject()
    {
        var policy = new MaskingPolicy(
        [
            new MaskRule
            {
                Name = "bot", Identities = ["report-bot"], Table = "customers", Column = "email",
                Strategy = new(MaskStrategyKind.Null),
            },
        ], Key);
        Assert.Null(MaskOne(policy.ForPrincipal("report-bot", []), Email, "alice@example.com"));
        Assert.True(policy.ForPrincipal("Report-Bot", []).IsEmpty);
        Assert.True(policy.ForPrincipal("other", ["report-bot"]).IsEmpty);
    }

    [Fact]
    public void First_matching_rule_wins_in_configuration_order()
    {
        var policy = new MaskingPolicy(
        [
            new MaskRule { Name = "by-name", ColumnNamePattern = "E*L", Strategy = new(MaskStrategyKind.Null) },
            new MaskRule
            {
                Name = "by-source", Table = "customers", Column = "email",
                Strategy = new(MaskStrategyKind.Redact),
            },
        ], Key);
        ResultMaskPlan? plan = policy.ForPrincipal("x", []).Plan([Email], false);
        Assert.NotNull(plan);
        Assert.Equal(MaskStrategyKind.Null, plan.StrategyFor(0));
        Assert.Equal("by-name", plan.Reason(0));
    }

    [Fact]
    public void Provenance_names_are_case_sensitive_and_schema_is_optional()
    {
        var policy = new MaskingPolicy(
        [
            new MaskRule
            {
                Name = "s", Schema = "sales", Table = "customers", Column = "email",
                Strategy = new(MaskStrategyKind.Null),
            },
            new MaskRule
            {
                Name = "any", Table = "Customers", Column = "email",
                Strategy = new(MaskStrategyKind.Redact),
            },
        ], Key);
        MaskingScope scope = policy.ForPrincipal("x", []);
        Assert.Null(scope.Plan([Email], false));
        Assert.NotNull(scope.Plan([Email with { SourceSchema = "sales" }], false));
        Assert.NotNull(scope.Plan([Email with { SourceTable = "Customers", SourceSchema = "other" }], false));
    }

    [Theory]
    [InlineData("*ssn*", "customer_ssn", true)]
    [InlineData("*ssn*", "SSN", true)]
    [InlineData("card_?", "CARD_1", true)]
    [InlineData("card_?", "card_12", false)]
    [InlineData("email", "emails", false)]
    [InlineData("*", "", true)]
    public void Name_pattern_is_a_case_insensitive_glob(string pattern, string name, bool matches)
    {
        var policy = new MaskingPolicy(
            [new MaskRule { Name = "p", ColumnNamePattern = pattern, Strategy = new(MaskStrategyKind.Redact) }], Key);
        ResultMaskPlan? plan = policy.ForPrincipal("x", []).Plan(
            [new MaskColumn(name, null, "t", "c", MaskValueKind.Text)], false);
        Assert.Equal(matches, plan is not null);
    }

    [Fact]
    public void Derived_column_fails_closed_only_when_the_statement_reads_a_protected_table()
    {
        MaskingScope scope = TeamPolicy().ForPrincipal("guest", []);
        Assert.Equal("[redacted]", MaskOne(scope, Upper, "ALICE@EXAMPLE.COM", readsProtected: true));
        Assert.Equal("ALICE@EXAMPLE.COM", MaskOne(scope, Upper, "ALICE@EXAMPLE.COM", readsProtected: false));

        ResultMaskPlan? plan = scope.Plan([Upper, Count, Id], true);
        Assert.NotNull(plan);
        Assert.Equal(ResultMaskPlan.FailClosedReason, plan.Reason(0));
        Assert.Equal(-1, plan.MaskValue(1, new byte[8], new byte[16], out _));
        Assert.False(plan.Masks(2));
    }

    [Fact]
    public void Derived_rule_allows_or_masks_expressions_explicitly()
    {
        var policy = new MaskingPolicy(
        [
            new MaskRule
            {
                Name = "allow-count", Derived = true, ColumnNamePattern = "count",
                Strategy = new(MaskStrategyKind.Clear),
            },
            new MaskRule { Name = "derived-null", Derived = true, Strategy = new(MaskStrategyKind.Null) },
            new MaskRule
            {
                Name = "email", Table = "customers", Column = "email",
                Strategy = new(MaskStrategyKind.Redact),
            },
        ], Key);
        ResultMaskPlan? plan = policy.ForPrincipal("x", []).Plan([Count, Upper, Email], true);
        Assert.NotNull(plan);
        Assert.False(plan.Masks(0));
        Assert.Equal("allow-count", plan.Reason(0));
        Assert.Equal(MaskStrategyKind.Null, plan.StrategyFor(1));
        Assert.Equal(MaskStrategyKind.Redact, plan.StrategyFor(2));

        ResultMaskPlan? unprotected = policy.ForPrincipal("x", []).Plan([Upper], false);
        Assert.Equal(MaskStrategyKind.Null, unprotected?.StrategyFor(0));
    }

    [Fact]
    public void Detectors_run_on_unclaimed_text_columns_only()
    {
        var policy = new MaskingPolicy(
        [
            new MaskRule
            {
                Name = "ids-clear", Table = "customers", Column = "email",
                Strategy = new(MaskStrategyKind.Clear),
            },
            new MaskRule
            {
                Name = "find-email", Detector = DetectorKind.Email,
                Strategy = new(MaskStrategyKind.Redact),
            },
        ], Key);
        ResultMaskPlan? plan = policy.ForPrincipal("x", []).Plan([Email, Notes, Id, Upper], false);
        Assert.NotNull(plan);
        Assert.False(plan.Masks(0));
        Assert.True(plan.Masks(1));
        Assert.False(plan.Masks(2));
        Assert.True(plan.Masks(3));
        Assert.Equal(ResultMaskPlan.DetectorsReason, plan.Reason(1));
        Assert.Equal("call alice at [redacted:email] today", MaskOne(policy.ForPrincipal("x", []), Notes,
            "call alice at alice@example.com today"));
    }

    [Fact]
    public void Protected_tables_follow_the_principal_and_whole_table_clear_rules()
    {
        MaskingPolicy policy = TeamPolicy();
        MaskingScope guest = policy.ForPrincipal("guest", []);
        Assert.True(guest.IsProtectedTable("public", "customers"));
        Assert.True(guest.IsProtectedTable(null, "customers"));
        Assert.False(guest.IsProtectedTable("public", "orders"));
        Assert.False(guest.IsProtectedTable("public", "Customers"));
        Assert.Single(guest.ProtectedTables);

        MaskingScope auditor = policy.ForPrincipal("ann", ["auditors"]);
        Assert.False(auditor.IsProtectedTable("public", "customers"));
        Assert.Empty(auditor.ProtectedTables);

        MaskingScope etl = policy.ForPrincipal("job", ["etl"]);
        Assert.Contains(("public", "customers"), etl.ProtectedTables);
        Assert.Equal(2, etl.ProtectedTables.Count);
        Assert.True(etl.IsProtectedTable("archive", "customers"), "the everyone rule names no schema");
    }

    [Fact]
    public void Empty_policy_and_unrelated_principals_have_empty_scopes()
    {
        Assert.True(MaskingPolicy.Empty.ForPrincipal("x", []).IsEmpty);
        Assert.Null(MaskingPolicy.Empty.ForPrincipal("x", []).Plan([Email, Upper], true));
        Assert.False(TeamPolicy().ForPrincipal("x", []).IsEmpty);
    }

    public static TheoryData<MaskRule> InvalidRules() => new()
    {
        new MaskRule { Name = "none", Strategy = new(MaskStrategyKind.Redact) },
        new MaskRule
        {
            Name = "two", Table = "t", Column = "c", Detector = DetectorKind.Email,
            Strategy = new(MaskStrategyKind.Redact),
        },
        new MaskRule { Name = "no-column", Table = "t", Strategy = new(MaskStrategyKind.Redact) },
        new MaskRule { Name = "schema-only", Schema = "s", Strategy = new(MaskStrategyKind.Redact) },
        new MaskRule { Name = "fixed-empty", ColumnNamePattern = "x", Strategy = new(MaskStrategyKind.Fixed) },
        new MaskRule
        {
            Name = "fixed-long", ColumnNamePattern = "x",
            Strategy = new(MaskStrategyKind.Fixed, FixedValue: new string('x', 200)),
        },
        new MaskRule { Name = "keep-negative", ColumnNamePattern = "x", Strategy = new(MaskStrategyKind.KeepLast, -1) },
        new MaskRule
        {
            Name = "pattern-and-detector", ColumnNamePattern = "x", Detector = DetectorKind.Jwt,
            Strategy = new(MaskStrategyKind.Redact),
        },
    };

    [Theory]
    [MemberData(nameof(InvalidRules))]
    public void Invalid_rule_is_refused_by_name(MaskRule rule)
    {
        ArgumentException error = Assert.Throws<ArgumentException>(() => new MaskingPolicy([rule], Key));
        Assert.Contains(rule.Name, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Pseudonym_rules_need_a_key_of_sixteen_bytes()
    {
        var rule = new MaskRule { Name = "p", ColumnNamePattern = "x", Strategy = new(MaskStrategyKind.Pseudonym) };
        Assert.Throws<ArgumentException>(() => new MaskingPolicy([rule], new byte[15]));
        Assert.Equal(1, new MaskingPolicy([rule], MaskingPolicy.DeriveKey("short"u8)).RuleCount);
    }
}
