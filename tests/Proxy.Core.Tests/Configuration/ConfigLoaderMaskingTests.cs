using Sluice.Masking;
using Sluice.Core.Configuration;

namespace Sluice.Core.Tests.Configuration;

public sealed class ConfigLoaderMaskingTests
{
    private const string Source = "/etc/sluice/sluice.yaml";

    private const string Key = "0123456789abcdef0123456789abcdef-from-env";

    // Starts on line 5, after the four lines of ConfigLoaderTests.Minimal.
    private const string Masking = """
        masking:
          pseudonym_key: { env: SLUICE_TEST_PSEUDONYM_KEY }
          rules:
            - name: auditors-see-clear
              identities: [alice]
              groups: [auditors]
              table: customers
              schema: public
              column: "*"
              strategy: clear
            - name: email-domain
              table: public.customers
              column: email
              strategy: keep_email_domain
            - name: ssn-anywhere
              column_name: "*ssn*"
              strategy: redact
            - name: cards-in-text
              detector: card_number
              strategy: { keep_last: 4 }
            - name: count-is-fine
              derived: true
              column_name: count
              strategy: clear
            - name: etl-pseudonyms
              groups: etl
              table: customers
              column: full_name
              strategy: pseudonym
            - name: fixed
              table: t
              column: c
              strategy: { fixed: "n/a" }
            - { name: last-default, detector: iban, strategy: keep_last }
            - { name: last-two, identities: bob, detector: phone, strategy: { keep_last: 2 } }
            - { name: nulls, derived: true, strategy: null }
            - { name: quoted-null, column_name: x?, strategy: "null" }
        """;

    private static SluiceConfig Parse(string masking, Func<string, string?>? environment) =>
        ConfigLoader.Parse(ConfigLoaderTests.Minimal(masking), Source, environment);

    private static MaskRule Rule(SluiceConfig config, string name) =>
        Assert.Single(config.Masking.Rules, r => r.Name == name);

    [Fact]
    public void Full_masking_section_binds_every_field()
    {
        var config = Parse(Masking, name => name == "SLUICE_TEST_PSEUDONYM_KEY" ? Key : null);
        var masking = config.Masking;

        Assert.Equal(Key, masking.PseudonymKey!.Reveal());
        Assert.Equal("env:SLUICE_TEST_PSEUDONYM_KEY", masking.PseudonymKey.Origin);
        Assert.Equal(
            [
                "auditors-see-clear", "email-domain", "ssn-anywhere", "cards-in-text", "count-is-fine",
                "etl-pseudonyms", "fixed", "last-default", "last-two", "nulls", "quoted-null",
            ],
            masking.Rules.Select(r => r.Name));
        Assert.Equal([8, 15, 19, 22, 25, 29, 34, 38, 39, 40, 41], masking.RuleLines);

        var auditors = Rule(config, "auditors-see-clear");
        Assert.Equal(["alice"], auditors.Identities);
        Assert.Equal(["auditors"], auditors.Groups);
        Assert.Equal(("public", "customers", "*"), (auditors.Schema, auditors.Table, auditors.Column));
        Assert.Null(auditors.ColumnNamePattern);
        Assert.Null(auditors.Detector);
        Assert.False(auditors.Derived);
        Assert.Equal(MaskStrategyKind.Clear, auditors.Strategy.Kind);
        Assert.Null(auditors.Strategy.FixedValue);

        var email = Rule(config, "email-domain");
        Assert.Empty(email.Identities);
        Assert.Empty(email.Groups);
        Assert.Equal(("public", "customers", "email"), (email.Schema, email.Table, email.Column));
        Assert.Equal(MaskStrategyKind.KeepEmailDomain, email.Strategy.Kind);

        var ssn = Rule(config, "ssn-anywhere");
        Assert.Equal("*ssn*", ssn.ColumnNamePattern);
        Assert.Equal((null, null, null), (ssn.Schema, ssn.Table, ssn.Column));
        Assert.Equal(MaskStrategyKind.Redact, ssn.Strategy.Kind);

        var cards = Rule(config, "cards-in-text");
        Assert.Equal(DetectorKind.CardNumber, cards.Detector);
        Assert.Null(cards.ColumnNamePattern);
        Assert.Equal((MaskStrategyKind.KeepLast, 4), (cards.Strategy.Kind, cards.Strategy.Keep));

        var count = Rule(config, "count-is-fine");
        Assert.True(count.Derived);
        Assert.Equal("count", count.ColumnNamePattern);
        Assert.Null(count.Table);
        Assert.Equal(MaskStrategyKind.Clear, count.Strategy.Kind);

        var etl = Rule(config, "etl-pseudonyms");
        Assert.Equal(["etl"], etl.Groups);
        Assert.Equal((null, "customers", "full_name"), (etl.Schema, etl.Table, etl.Column));
        Assert.Equal(MaskStrategyKind.Pseudonym, etl.Strategy.Kind);

        var fixedRule = Rule(config, "fixed");
        Assert.Equal((MaskStrategyKind.Fixed, "n/a"), (fixedRule.Strategy.Kind, fixedRule.Strategy.FixedValue));

        var lastDefault = Rule(config, "last-default");
        Assert.Equal(DetectorKind.Iban, lastDefault.Detector);
        Assert.Equal((MaskStrategyKind.KeepLast, 4), (lastDefault.Strategy.Kind, lastDefault.Strategy.Keep));

        var lastTwo = Rule(config, "last-two");
        Assert.Equal(["bob"], lastTwo.Identities);
        Assert.Equal(DetectorKind.Phone, lastTwo.Detector);
        Assert.Equal((MaskStrategyKind.KeepLast, 2), (lastTwo.Strategy.Kind, lastTwo.Strategy.Keep));

        var nulls = Rule(config, "nulls");
        Assert.True(nulls.Derived);
        Assert.Null(nulls.ColumnNamePattern);
        Assert.Equal(MaskStrategyKind.Null, nulls.Strategy.Kind);

        var quoted = Rule(config, "quoted-null");
        Assert.Equal("x?", quoted.ColumnNamePattern);
        Assert.Equal(MaskStrategyKind.Null, quoted.Strategy.Kind);
    }

    [Theory]
    [InlineData("email", DetectorKind.Email)]
    [InlineData("card_number", DetectorKind.CardNumber)]
    [InlineData("us_ssn", DetectorKind.UsSsn)]
    [InlineData("iban", DetectorKind.Iban)]
    [InlineData("phone", DetectorKind.Phone)]
    [InlineData("ipv4", DetectorKind.IPv4)]
    [InlineData("ipv6", DetectorKind.IPv6)]
    [InlineData("jwt", DetectorKind.Jwt)]
    [InlineData("cloud_access_key", DetectorKind.CloudAccessKey)]
    [InlineData("pem_private_key", DetectorKind.PemPrivateKey)]
    public void Every_detector_name_binds(string text, DetectorKind expected)
    {
        var config = Parse($"masking:\n  rules:\n    - {{ name: d, detector: {text}, strategy: redact }}", null);

        Assert.Equal(expected, Assert.Single(config.Masking.Rules).Detector);
    }

    [Fact]
    public void Absent_masking_section_gives_no_rules_and_no_key()
    {
        var config = Parse("", null);

        Assert.NotNull(config.Masking);
        Assert.Null(config.Masking.PseudonymKey);
        Assert.Empty(config.Masking.Rules);
    }

    [Theory]
    [InlineData("masking:")]
    [InlineData("masking: {}")]
    [InlineData("masking: { rules: [] }")]
    public void Empty_masking_section_gives_no_rules(string masking)
    {
        var config = Parse(masking, null);

        Assert.Null(config.Masking.PseudonymKey);
        Assert.Empty(config.Masking.Rules);
    }

    [Fact]
    public void Pseudonym_rule_without_key_is_accepted_for_the_host_to_generate_one()
    {
        var config = Parse("masking:\n  rules:\n    - { name: p, table: t, column: c, strategy: pseudonym }", null);

        Assert.Null(config.Masking.PseudonymKey);
        Assert.Equal(MaskStrategyKind.Pseudonym, Assert.Single(config.Masking.Rules).Strategy.Kind);
    }

    [Fact]
    public void Pseudonym_key_length_counts_utf8_bytes()
    {
        // Sixteen two-byte characters: 32 bytes, though only 16 characters.
        var key = new string('é', 16);

        var config = Parse($"masking:\n  pseudonym_key: {key}", null);

        Assert.Equal(key, config.Masking.PseudonymKey!.Reveal());
        Assert.Equal("inline", config.Masking.PseudonymKey.Origin);
    }

    [Fact]
    public void Unread_pseudonym_key_is_not_length_checked()
    {
        var config = Parse("masking:\n  pseudonym_key: { env: SLUICE_TEST_NEVER_SET_VARIABLE }", environment: null);

        Assert.Equal("", config.Masking.PseudonymKey!.Reveal());
        Assert.Equal("env:SLUICE_TEST_NEVER_SET_VARIABLE (not read)", config.Masking.PseudonymKey.Origin);
    }
}
