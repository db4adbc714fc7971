using Sluice.Core.Configuration;

namespace Sluice.Core.Tests.Configuration;

public sealed class ConfigLoaderPolicyErrorTests
{
    private const string Source = "/etc/sluice/sluice.yaml";

    private static ConfigException Fails(string yaml, int line, int column, string reason)
    {
        var ex = Assert.Throws<ConfigException>(() => ConfigLoader.Parse(yaml, Source));
        Assert.Contains(reason, ex.Reason, StringComparison.Ordinal);
        Assert.Equal((Source, line, column), (ex.File, ex.Line, ex.Column));
        Assert.Equal($"{Source}:{line}:{column}: {ex.Reason}", ex.Message);
        return ex;
    }

    /// <summary>
    /// One rule named 'r': "policy:" is line 5, the rule's mapping starts at line 7 column 7, and the
    /// given lines follow from line 8, each key at column 7 (so a value sits at column 9 + the key's length).
    /// </summary>
    private static string Rule(params string[] lines) =>
        ConfigLoaderTests.Minimal(["policy:", "  rules:", "    - name: r", .. lines.Select(l => "      " + l)]);

    [Fact]
    public void Valid_rule_helper_parses() =>
        Assert.Single(ConfigLoader.Parse(Rule("deny: { classes: [ddl] }"), Source).Policy.Rules);

    [Fact]
    public void Unknown_policy_key_lists_allowed_keys() =>
        Fails(ConfigLoaderTests.Minimal("policy:", "  rulez: []"), 6, 3,
            "unknown key 'rulez' in 'policy'; allowed keys: rules, deny_unknown");

    [Fact]
    public void Unknown_rule_key_lists_allowed_keys() =>
        Fails(Rule("denny: { classes: [ddl] }"), 8, 7,
            "unknown key 'denny' in a policy rule; allowed keys: name, identities, groups, deny, allow, "
            + "require_approval");

    [Fact]
    public void Unknown_matcher_key_lists_allowed_keys() =>
        Fails(Rule("deny: { table: t }"), 8, 15, "unknown key 'table' in the deny block of policy rule 'r'; "
            + "allowed keys: "
            + "classes, relations, functions, settings, copy_program, write_without_where, pattern");

    [Fact]
    public void Unknown_approval_key_lists_allowed_keys() =>
        Fails(Rule("require_approval: { functions: [f] }"), 8, 27,
            "unknown key 'functions' in the require_approval block of policy rule 'r'; allowed keys: relations, "
            + "classes, rows, bytes, rows_per_window, bytes_per_window, window, mode, timeout");

    [Fact]
    public void Rule_without_name() =>
        Fails(ConfigLoaderTests.Minimal("policy:", "  rules:", "    - deny: { classes: [ddl] }"), 7, 7,
            "a policy rule is missing required key 'name'");

    [Fact]
    public void Duplicate_rule_name() =>
        Fails(
            ConfigLoaderTests.Minimal(
                "policy:",
                "  rules:",
                "    - { name: r, deny: { classes: [ddl] } }",
                "    - { name: r, allow: { pattern: x } }"),
            8, 15,
            "policy rule name 'r' is used twice; names must be unique");

    [Fact]
    public void Reserved_rule_name() =>
        Fails(
            ConfigLoaderTests.Minimal("policy:", "  rules:", "    - { name: unknown-statement, deny: { pattern: x } }"),
            7, 15, "policy rule name 'unknown-statement' is reserved");

    [Fact]
    public void Unknown_class_lists_the_allowed_ones() =>
        Fails(Rule("deny: { classes: [ddl, select] }"), 8, 30, "unknown statement class 'select' in policy rule 'r'; "
            + "use one of read, write, ddl, privilege, copy, session_setting, transaction, admin, dynamic, unknown");

    [Fact]
    public void Unknown_class_in_approval() =>
        Fails(Rule("require_approval: { classes: [writes] }"), 8, 37, "unknown statement class 'writes'");

    [Fact]
    public void Invalid_pattern_is_reported_with_the_parser_reason() =>
        Fails(Rule("deny: { pattern: \"pg_sleep(\" }"), 8, 24,
            "'pattern' of policy rule 'r' is not a valid .NET regular expression (");

    [Fact]
    public void Two_effects_point_at_the_second() =>
        Fails(Rule("deny: { classes: [ddl] }", "allow: { classes: [read] }"), 9, 14,
            "policy rule 'r' has 'deny' and 'allow'; a rule has exactly one effect");

    [Fact]
    public void No_effect_points_at_the_rule() =>
        Fails(Rule("groups: [g]"), 7, 7, "policy rule 'r' needs exactly one of 'deny', 'allow' or 'require_approval'");

    [Fact]
    public void Empty_deny_block_has_no_matcher() =>
        Fails(Rule("deny:"), 8, 12, "policy rule 'r' has no matcher; give it one or more of classes");

    [Fact]
    public void Deny_block_of_empty_values_has_no_matcher() =>
        Fails(Rule("allow: { pattern: ~ }"), 8, 14, "policy rule 'r' has no matcher");

    [Fact]
    public void Empty_list_is_refused() =>
        Fails(Rule("deny: { functions: [] }"), 8, 26, "'functions' in policy rule 'r' must name at least one entry");

    [Fact]
    public void False_flag_is_refused() =>
        Fails(Rule("deny: { copy_program: false }"), 8, 29, "'copy_program' in policy rule 'r' only takes true");

    [Fact]
    public void Flag_must_be_a_boolean() =>
        Fails(Rule("deny: { write_without_where: yes }"), 8, 36,
            "'write_without_where' must be true or false, not 'yes'");

    [Fact]
    public void Relation_glob_with_two_dots() =>
        Fails(Rule("deny: { relations: [db.vault.keys] }"), 8, 27,
            "'relations' entry 'db.vault.keys' in policy rule 'r' must be a name or schema.name");

    [Fact]
    public void Function_glob_with_empty_name() =>
        Fails(Rule("deny: { functions: [\"pg_catalog.\"] }"), 8, 27, "'functions' entry 'pg_catalog.'");

    [Fact]
    public void Bad_approval_mode() =>
        Fails(Rule("require_approval: { relations: [c], mode: later }"), 8, 49,
            "unknown approval mode 'later' in policy rule 'r'; use wait or ticket");

    [Fact]
    public void Zero_timeout() =>
        Fails(Rule("require_approval: { relations: [c], timeout: 0s }"), 8, 52,
            "'timeout' of policy rule 'r' must be longer than zero");

    [Fact]
    public void Timeout_needs_a_unit() =>
        Fails(Rule("require_approval: { relations: [c], timeout: 5 }"), 8, 52,
            "'timeout' must be a duration such as 500ms, 10s, 5m or 1h, not '5'");

    [Fact]
    public void Volume_without_a_number() =>
        Fails(Rule("require_approval: { rows: many }"), 8, 33, "'rows' must be a whole number of rows, such as 5000");

    [Fact]
    public void Volume_of_zero_rows() =>
        Fails(Rule("require_approval: { rows: 0 }"), 8, 33, "'rows' is 0; use at least 1");

    [Fact]
    public void Bytes_with_unknown_unit() =>
        Fails(Rule("require_approval: { bytes: 5GB }"), 8, 34,
            "'bytes' must be a size in bytes or with KiB, MiB or GiB");

    [Fact]
    public void Window_threshold_without_window_length() =>
        Fails(Rule("require_approval: { rows_per_window: 100, mode: ticket }"), 8, 44,
            "policy rule 'r' counts volume per window but has no 'window'; add its length, such as window: 1h");

    [Fact]
    public void Window_length_without_threshold() =>
        Fails(Rule("require_approval: { window: 1h }"), 8, 35,
            "policy rule 'r' sets 'window' without 'rows_per_window' or 'bytes_per_window'");

    [Fact]
    public void Zero_window() =>
        Fails(Rule("require_approval: { bytes_per_window: 1GiB, window: 0h }"), 8, 59,
            "'window' of policy rule 'r' must be longer than zero");

    [Fact]
    public void Approval_for_nothing() =>
        Fails(Rule("require_approval: { mode: wait }"), 8, 25, "policy rule 'r' requires approval for nothing; give it "
            + "'relations' or 'classes', 'rows' or 'bytes' per statement");

    [Fact]
    public void Approval_mixing_kinds_points_at_the_later_key() =>
        Fails(Rule("require_approval:", "  relations: [customers]", "  rows: 10"), 10, 15,
            "policy rule 'r' mixes relations or classes, rows or bytes per statement; use one of them per rule");

    [Fact]
    public void Deny_unknown_must_be_boolean() =>
        Fails(ConfigLoaderTests.Minimal("policy:", "  deny_unknown: maybe"), 6, 17,
            "'deny_unknown' must be true or false, not 'maybe'");

    [Fact]
    public void Rules_must_be_a_list() =>
        Fails(ConfigLoaderTests.Minimal("policy:", "  rules: { name: r }"), 6, 10,
            "'rules' must be a list, found a mapping");
}
