using Sluice.Core.Configuration;

namespace Sluice.Core.Tests.Configuration;

public sealed class ConfigLoaderMaskingErrorTests
{
    private const string Source = "/etc/sluice/sluice.yaml";

    private static ConfigException Fails(string yaml, int line, int column, string reason)
    {
        var ex = Assert.Throws<ConfigException>(
            () => ConfigLoader.Parse(yaml, Source, name => name == "SLUICE_TEST_SET" ? "env-secret-value" : null));
        Assert.Contains(reason, ex.Reason, StringComparison.Ordinal);
        Assert.Equal((Source, line, column), (ex.File, ex.Line, ex.Column));
        return ex;
    }

    /// <summary>
    /// One rule named 'r': "masking:" is line 5, the rule's mapping starts at line 7 column 7, and the
    /// given lines follow from line 8, each key at column 7 (so a value sits at column 9 + the key's length).
    /// </summary>
    private static string Rule(params string[] lines) =>
        ConfigLoaderTests.Minimal(["masking:", "  rules:", "    - name: r", .. lines.Select(l => "      " + l)]);

    [Fact]
    public void Valid_rule_helper_parses() =>
        Assert.Single(ConfigLoader.Parse(Rule("column_name: x", "strategy: redact"), Source).Masking.Rules);

    [Fact]
    public void Unknown_masking_key_lists_allowed_keys() =>
        Fails(ConfigLoaderTests.Minimal("masking:", "  rulez: []"), 6, 3,
            "unknown key 'rulez' in 'masking'; allowed keys: pseudonym_key, rules");

    [Fact]
    public void Unknown_rule_key_lists_allowed_keys() =>
        Fails(Rule("colum: x", "strategy: redact"), 8, 7, "unknown key 'colum' in a masking rule; allowed keys: "
            + "name, identities, groups, schema, table, column, column_name, detector, derived, strategy");

    [Fact]
    public void Rules_must_be_a_list() =>
        Fails(ConfigLoaderTests.Minimal("masking:", "  rules: x"), 6, 10,
            "'rules' must be a list, found a single value");

    [Fact]
    public void Rule_needs_a_name() =>
        Fails(ConfigLoaderTests.Minimal("masking:", "  rules:", "    - { column_name: x, strategy: redact }"), 7, 7,
            "a masking rule is missing required key 'name'");

    [Fact]
    public void Rule_needs_a_strategy() =>
        Fails(Rule("column_name: x"), 7, 7, "a masking rule is missing required key 'strategy'");

    [Fact]
    public void Empty_strategy_is_reported_at_the_key() =>
        Fails(Rule("column_name: x", "strategy: ~"), 9, 7, "'strategy' in a masking rule needs a value");

    [Fact]
    public void Unknown_strategy_names_the_allowed_ones() =>
        Fails(Rule("column_name: x", "strategy: scramble"), 9, 17, "unknown strategy 'scramble' in masking rule 'r'; "
            + "use one of clear, redact, null, pseudonym, keep_email_domain, keep_last, { keep_last: N } "
            + "or { fixed: \"text\" }");

    [Fact]
    public void Unknown_strategy_mapping_key_lists_allowed_keys() =>
        Fails(Rule("column_name: x", "strategy: { keep: 2 }"), 9, 19,
            "unknown key 'keep' in the strategy of masking rule 'r'; allowed keys: keep_last, fixed");

    [Fact]
    public void Strategy_mapping_takes_one_key() =>
        Fails(Rule("column_name: x", "strategy: { keep_last: 2, fixed: x }"), 9, 17,
            "the strategy of masking rule 'r' takes exactly one of keep_last or fixed");

    [Fact]
    public void Unknown_detector_names_the_allowed_ones() =>
        Fails(Rule("detector: ssn", "strategy: redact"), 8, 17, "unknown detector 'ssn'; use one of email, "
            + "card_number, us_ssn, iban, phone, ipv4, ipv6, jwt, cloud_access_key, pem_private_key");

    [Fact]
    public void Duplicate_rule_name() =>
        Fails(
            ConfigLoaderTests.Minimal(
                "masking:",
                "  rules:",
                "    - { name: r, column_name: a, strategy: redact }",
                "    - { name: r, column_name: b, strategy: redact }"),
            8,
            15,
            "masking rule name 'r' is used twice; names must be unique");

    [Theory]
    [InlineData("derived: false")]
    [InlineData("identities: [alice]")]
    public void Rule_without_matcher(string line) =>
        Fails(Rule(line, "strategy: redact"), 7, 7, "masking rule 'r' has no matcher; give it 'table' and 'column', "
            + "'column_name', 'detector', or 'derived: true'");

    [Theory]
    [InlineData("column_name: x", "detector: email", "", 9, 17, "(column_name, detector)")]
    [InlineData("table: t", "column: c", "column_name: x", 10, 20, "(table and column, column_name)")]
    [InlineData("detector: email", "table: t", "column: c", 10, 15, "(table and column, detector)")]
    [InlineData("schema: s", "detector: email", "", 9, 17, "(table and column, detector)")]
    public void Rule_with_two_matchers(string a, string b, string c, int line, int column, string kinds) =>
        Fails(Rule(a, b, c, "strategy: redact"), line, column, "masking rule 'r' mixes matchers " + kinds
            + "; use exactly one of 'table' with 'column', 'column_name', 'detector' or 'derived: true'");

    [Fact]
    public void Column_without_table() =>
        Fails(Rule("column: email", "strategy: redact"), 8, 15, "masking rule 'r' sets 'column' without 'table'");

    [Fact]
    public void Table_without_column() =>
        Fails(Rule("table: t", "strategy: redact"), 8, 14,
            "masking rule 'r' sets 'table' without 'column'; add 'column', or column: \"*\" for all of them");

    [Fact]
    public void Schema_without_table() =>
        Fails(Rule("schema: s", "strategy: redact"), 8, 15, "masking rule 'r' sets 'schema' without 'table'");

    [Fact]
    public void Schema_given_twice() =>
        Fails(Rule("schema: s", "table: public.t", "column: c", "strategy: redact"), 9, 14,
            "'table' names schema 'public' and 'schema' names 's'; give the schema only once");

    [Theory]
    [InlineData("a.b.c")]
    [InlineData(".t")]
    [InlineData("s.")]
    public void Table_with_bad_schema_prefix(string table) =>
        Fails(Rule("table: " + table, "column: c", "strategy: redact"), 8, 14,
            $"'table' must be a table name or schema.table, not '{table}'");

    [Theory]
    [InlineData("0")]
    [InlineData("65")]
    public void Keep_last_out_of_range(string n) =>
        Fails(Rule("table: t", "column: c", "strategy: { keep_last: " + n + " }"), 10, 30,
            $"'keep_last' is {n}, out of range; use 1 to 64");

    [Fact]
    public void Keep_last_must_be_a_number() =>
        Fails(Rule("table: t", "column: c", "strategy: { keep_last: all }"), 10, 30,
            "'keep_last' must be a whole number, not 'all'");

    [Fact]
    public void Fixed_scalar_without_a_value() =>
        Fails(Rule("table: t", "column: c", "strategy: fixed"), 10, 17,
            "strategy 'fixed' of masking rule 'r' needs the replacement text; write strategy: { fixed: \"n/a\" }");

    [Fact]
    public void Fixed_mapping_without_a_value() =>
        Fails(Rule("table: t", "column: c", "strategy: { fixed: }"), 10, 19,
            "'fixed' in the strategy of masking rule 'r' needs a value");

    [Fact]
    public void Detector_with_clear() =>
        Fails(Rule("detector: email", "strategy: clear"), 9, 17,
            "masking rule 'r' finds sensitive text with a detector, so 'clear' would reveal exactly what it found");

    [Theory]
    [InlineData("derived: true", "table: t", "column: c", 10, 15)]
    [InlineData("table: t", "derived: true", "", 8, 14)]
    [InlineData("detector: jwt", "derived: true", "", 8, 17)]
    [InlineData("schema: s", "derived: true", "", 8, 15)]
    public void Derived_with_table_or_detector(string a, string b, string c, int line, int column) =>
        Fails(Rule(a, b, c, "strategy: redact"), line, column,
            "masking rule 'r' sets 'derived: true', which matches computed columns that come from no table");

    [Fact]
    public void Short_inline_pseudonym_key_is_refused_without_showing_it()
    {
        var ex = Fails(ConfigLoaderTests.Minimal("masking:", "  pseudonym_key: { value: TopSecret-short }"), 6, 18,
            "'pseudonym_key' from inline is 15 bytes; it must be at least 32 bytes");

        Assert.DoesNotContain("TopSecret-short", ex.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Short_scalar_pseudonym_key_is_refused_without_showing_it()
    {
        var key = new string('k', 31);

        var ex = Fails(ConfigLoaderTests.Minimal("masking:", "  pseudonym_key: " + key), 6, 18,
            "'pseudonym_key' from inline is 31 bytes; it must be at least 32 bytes");

        Assert.DoesNotContain(key, ex.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Short_pseudonym_key_from_environment_is_refused_without_showing_it()
    {
        var ex = Fails(ConfigLoaderTests.Minimal("masking:", "  pseudonym_key: { env: SLUICE_TEST_SET }"), 6, 18,
            "'pseudonym_key' from env:SLUICE_TEST_SET is 16 bytes; it must be at least 32 bytes");

        Assert.DoesNotContain("env-secret-value", ex.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Unset_pseudonym_key_variable_is_named() =>
        Fails(ConfigLoaderTests.Minimal("masking:", "  pseudonym_key: { env: SLUICE_TEST_UNSET }"), 6, 25,
            "environment variable 'SLUICE_TEST_UNSET' for 'pseudonym_key' is not set");
}
