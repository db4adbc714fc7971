using Sluice.Core.Configuration;

namespace Sluice.Core.Tests.Configuration;

public sealed class ConfigLoaderErrorTests
{
    private const string Source = "/etc/sluice/sluice.yaml";

    // Line numbers below refer to this text; edits that add lines say where they land.
    private const string Base = """
        listeners:
          - name: pg
            protocol: postgres
            listen: 127.0.0.1:6432
            connections: [demo]
        connections:
          - name: demo
            protocol: postgres
            upstream:
              host: h
              user: u
        """;

    private static ConfigException Fails(string yaml, int line, int column, string reason)
    {
        var ex = Assert.Throws<ConfigException>(
            () => ConfigLoader.Parse(yaml, Source, name => name == "SLUICE_TEST_SET" ? "env-secret-value" : null));
        Assert.Contains(reason, ex.Reason, StringComparison.Ordinal);
        Assert.Equal((Source, line, column), (ex.File, ex.Line, ex.Column));
        Assert.Equal($"{Source}:{line}:{column}: {ex.Reason}", ex.Message);
        return ex;
    }

    private static string Edit(string find, string replace)
    {
        Assert.Contains(find, Base, StringComparison.Ordinal);
        return Base.Replace(find, replace, StringComparison.Ordinal);
    }

    [Fact]
    public void Base_config_is_valid() => Assert.NotNull(ConfigLoader.Parse(Base, Source));

    // Found by fuzzing: YamlDotNet threw InvalidOperationException or ArgumentException on these, which escaped the
    // loader without file or position.
    [Fact]
    public void Unclosed_flow_sequence_before_more_keys_points_at_its_start() =>
        Fails(Edit("connections: [demo]", "connections: [demo"), 5, 18, "'[' or '{' that is not closed");

    [Fact]
    public void Unclosed_flow_mapping_before_more_keys_points_at_the_last_node_read() =>
        Fails("a: {b: c\nd: e\n", 1, 5, "YAML syntax error");

    // Found by fuzzing: YamlDotNet recursed until the process died of a stack overflow on this (a flow mapping
    // that holds, as a key, a mapping with an alias to the outer one).
    [Fact]
    public void Alias_to_an_enclosing_node_is_refused_before_yamldotnet_recurses() =>
        Fails("&a {0,{*a},*a t\n", 1, 8, "the alias '*a' refers to '&a' from inside it");

    // Found by fuzzing: an alias to an anchor defined nowhere before it, in a mapping key, recursed the same way.
    [Fact]
    public void Alias_to_an_undefined_anchor_is_refused() =>
        Fails("x: {1, {&a {file: 1, *b}}, *a t}\n", 1, 22, "the alias '*b' refers to an anchor no node before it");

    [Fact]
    public void Alias_to_a_closed_node_still_works()
    {
        string yaml = Base.Replace("connections: [demo]", "connections: &names [demo]", StringComparison.Ordinal)
            + "\naccess:\n  - connections: *names\n    groups: [g]\n";
        Assert.NotNull(ConfigLoader.Parse(yaml, Source));
    }

    [Fact]
    public void Nesting_deeper_than_any_configuration_needs_is_refused() =>
        Fails("a: " + new string('[', 5000), 1, 67, "nested more than 64 levels deep");

    // YamlDotNet notices only at the end of the mapping; the position is the last node it read (user's value).
    [Fact]
    public void Mapping_entry_without_a_key_is_a_config_error_near_it() =>
        Fails(Edit("  host: h", "  : h"), 11, 13, "a ':' with no key before it");

    [Fact]
    public void Unknown_root_key_lists_allowed_keys() =>
        Fails(Base + "\nlistenerz: 1", 12, 1, "unknown key 'listenerz' in the configuration; allowed keys: data_dir, "
            + "listeners, connections, identity, access, recording, audit, limits, masking, policy, admin, approvals");

    [Fact]
    public void Unknown_listener_key() =>
        Fails(Edit("[demo]", "[demo]\n    bogus: 1"), 6, 5,
            "unknown key 'bogus' in a listener; allowed keys: name, protocol, listen, connections, tls");

    [Fact]
    public void Missing_listen_points_at_listener_mapping() =>
        Fails(Edit("    listen: 127.0.0.1:6432\n", ""), 2, 5, "a listener is missing required key 'listen'");

    [Fact]
    public void Missing_connections_points_at_root() =>
        Fails("data_dir: x\n", 1, 1, "the configuration is missing required key 'connections'");

    [Fact]
    public void Missing_upstream_user_points_at_upstream_mapping() =>
        Fails(Edit("      user: u", "      port: 1"), 10, 7,
            "the upstream of connection 'demo' is missing required key 'user'");

    [Fact]
    public void Key_without_value_is_reported_at_the_key() =>
        Fails(Edit("      user: u", "      user:"), 11, 7, "'user' in the upstream of connection 'demo' needs a value");

    [Fact]
    public void Connections_must_be_a_list() =>
        Fails("listeners: pg\nconnections: x", 2, 14, "'connections' must be a list, found a single value");

    [Fact]
    public void Listeners_scalar_is_wrong_type() =>
        Fails(
            Edit("listeners:\n  - name: pg\n    protocol: postgres\n    listen: 127.0.0.1:6432\n    connections: [demo]",
                "listeners: pg"),
            1,
            12, "'listeners' must be a list, found a single value");

    [Fact]
    public void Port_must_be_a_number() =>
        Fails(Edit("      user: u", "      user: u\n      port: abc"), 12, 13,
            "'port' must be a whole number, not 'abc'");

    [Theory]
    [InlineData("0")]
    [InlineData("65536")]
    public void Upstream_port_out_of_range(string port) =>
        Fails(Edit("      user: u", "      user: u\n      port: " + port), 12, 13, "out of range; use 1 to 65535");

    [Fact]
    public void Bool_must_be_true_or_false() =>
        Fails(Edit("    upstream:", "    allow_replication: maybe\n    upstream:"), 9, 24,
            "'allow_replication' must be true or false, not 'maybe'");

    [Fact]
    public void Duplicate_listener_name() =>
        Fails(Edit("[demo]\n", "[demo]\n  - name: pg\n    protocol: postgres\n    listen: 127.0.0.1:6433\n"
            + "    connections: [demo]\n"), 6, 11, "listener name 'pg' is used twice");

    [Theory]
    [InlineData("127.0.0.1:6432")]
    [InlineData("0.0.0.0:6432")]
    public void Duplicate_listen_endpoint(string listen) =>
        Fails(Edit("[demo]\n", "[demo]\n  - name: pg2\n    protocol: postgres\n    listen: " + listen + "\n"
            + "    connections: [demo]\n"), 8, 13, "which listener 'pg' already uses");

    [Fact]
    public void Duplicate_connection_name() =>
        Fails(Base + "\n  - name: demo\n    protocol: postgres\n    upstream: { host: h, user: u }", 12, 11,
            "connection name 'demo' is used twice");

    [Fact]
    public void Unset_environment_variable_is_named() =>
        Fails(Edit("      user: u", "      user: u\n      password: { env: SLUICE_TEST_UNSET }"), 12, 24,
            "environment variable 'SLUICE_TEST_UNSET' for 'password' is not set");

    [Fact]
    public void Unreadable_secret_file() =>
        Fails(Edit("      user: u", "      user: u\n      password: { file: missing.txt }"), 12, 25,
            "cannot read secret file '/etc/sluice/missing.txt' for 'password'");

    [Fact]
    public void Secret_with_two_sources_is_refused_without_showing_the_value()
    {
        var ex = Fails(Edit("      user: u", "      user: u\n      password: { value: TopSecret-123, env: X }"),
            12, 17, "'password' takes exactly one of env, file or value");

        Assert.DoesNotContain("TopSecret-123", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Secret_values_never_reach_messages()
    {
        var yaml = Edit("      user: u", "      user: u\n      password: { env: SLUICE_TEST_SET }")
            + "\nidentity:\n  api_keys:\n    - { identity: x, sha256: 12 }\n    - { identity: y, sha256: 1 }";

        var ex = Fails(yaml, 15, 30, "must be 64 hexadecimal characters");

        Assert.DoesNotContain("env-secret-value", ex.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Listener_connection_of_other_protocol() =>
        Fails(Edit("  - name: demo\n    protocol: postgres", "  - name: demo\n    protocol: mysql"), 5, 19,
            "connection 'demo' is mysql but listener 'pg' is postgres");

    [Fact]
    public void Listener_names_unknown_connection() =>
        Fails(Edit("[demo]", "[demo, nope]"), 5, 25,
            "listener 'pg' names connection 'nope', which is not defined under 'connections'");

    [Theory]
    [InlineData("xyz", "found 3 characters that are not all hexadecimal")]
    [InlineData("00112233445566778899aabbccddeeff00112233445566778899aabbccddeef", "found 63 characters")]
    [InlineData("zz112233445566778899aabbccddeeff00112233445566778899aabbccddeeff", "not all hexadecimal")]
    public void Bad_sha256(string hash, string detail)
    {
        var ex = Fails(Base + "\nidentity:\n  api_keys:\n    - identity: x\n      sha256: " + hash, 15, 15,
            "'sha256' of API key 'x' must be 64 hexadecimal characters");

        Assert.Contains(detail, ex.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Duplicate_api_key_hash()
    {
        var hash = new string('a', 64);
        Fails(Base + $"\nidentity:\n  api_keys:\n    - {{ identity: x, sha256: {hash} }}\n"
            + $"    - {{ identity: y, sha256: {hash} }}", 15, 30, "already used by another key");
    }

    [Theory]
    [InlineData("0")]
    [InlineData("20")]
    public void Zstd_level_out_of_range(string level) =>
        Fails(Base + "\nrecording: { zstd_level: " + level + " }", 12, 26, "'zstd_level' is " + level
            + ", out of range; use 1 to 19");

    [Theory]
    [InlineData("ignore")]
    [InlineData("Refuse")]
    public void Recording_on_failure_must_be_refuse_or_continue(string value) =>
        Fails(Base + "\nrecording: { on_failure: " + value + " }", 12, 26,
            "'on_failure' must be refuse (end sessions that cannot be recorded) or continue (let them run unrecorded), "
            + "not '" + value + "'");

    [Theory]
    [InlineData("512")]
    [InlineData("2GiB")]
    public void Max_message_bytes_out_of_range(string size) =>
        Fails(Base + "\nlimits: { max_message_bytes: " + size + " }", 12, 30, "out of range; use 1KiB to 1GiB");

    [Fact]
    public void Size_with_unknown_unit() =>
        Fails(Base + "\nlimits: { max_message_bytes: 16MB }", 12, 30,
            "must be a size in bytes or with KiB, MiB or GiB");

    [Fact]
    public void Bad_duration() =>
        Fails(Base + "\nlimits: { startup_timeout: 10 }", 12, 28, "must be a duration such as 500ms, 10s, 5m or 1h");

    [Fact]
    public void Yaml_syntax_error_keeps_position() =>
        Fails("data_dir: 'abc\n", 1, 11, "YAML syntax error");

    [Fact]
    public void Duplicate_yaml_key_is_a_syntax_error() =>
        Fails(Base + "\nlisteners: []", 12, 1, "Duplicate key");

    [Theory]
    [InlineData("")]
    [InlineData("# nothing here\n")]
    [InlineData("~\n")]
    public void Empty_file(string yaml) => Fails(yaml, 1, 1, "the configuration is empty");

    [Fact]
    public void Second_document_is_refused() =>
        Fails(Base + "\n---\na: 1", 13, 1, "more than one YAML document");

    [Fact]
    public void Unimplemented_listener_protocol() =>
        Fails(Edit("    protocol: postgres\n    listen", "    protocol: mysql\n    listen"), 3, 15,
            "protocol 'mysql' is not supported yet");

    [Fact]
    public void Unknown_protocol() =>
        Fails(Edit("    protocol: postgres\n    listen", "    protocol: oracle\n    listen"), 3, 15,
            "unknown protocol 'oracle'; use one of postgres, mysql, tds, ssh");

    [Theory]
    [InlineData("localhost:6432", "'localhost' is not an IP address")]
    [InlineData("::1:6432", "is not an address and port")]
    [InlineData("127.0.0.1", "is not an address and port")]
    [InlineData("127.0.0.1:70000", "port '70000' is out of range")]
    [InlineData("[::1]:65536", "port '65536' is out of range")]
    public void Bad_listen_address(string listen, string reason) =>
        Fails(Edit("127.0.0.1:6432", "\"" + listen + "\""), 4, 13, reason);

    [Fact]
    public void Plaintext_auth_only_on_loopback() =>
        Fails(Edit("127.0.0.1:6432", "10.1.2.3:6432\n    allow_plaintext_auth: true"), 5, 27,
            "allow_plaintext_auth is only allowed on a loopback address");

    [Fact]
    public void Listener_tls_needs_both_files() =>
        Fails(Edit("[demo]", "[demo]\n    tls: { certificate: c.pem }"), 6, 10, "needs both 'certificate' and 'key'");

    [Fact]
    public void Issuer_without_key_source() =>
        Fails(Base + "\nidentity:\n  issuers:\n    - issuer: https://i/\n      audiences: [a]", 14, 7,
            "issuer 'https://i/' needs exactly one of 'jwks_url' and 'jwks_file'");

    [Fact]
    public void Issuer_with_both_key_sources() =>
        Fails(Base + "\nidentity:\n  issuers:\n    - issuer: https://i/\n      audiences: [a]\n"
            + "      jwks_url: https://i/j\n      jwks_file: j.json", 16, 17, "needs exactly one of");

    [Fact]
    public void Jwks_url_must_be_https() =>
        Fails(Base + "\nidentity:\n  issuers:\n    - issuer: https://i/\n      audiences: [a]\n"
            + "      jwks_url: http://idp.example.com/j", 16, 17, "must be an absolute https:// URL");

    [Fact]
    public void Dev_issuer_name_is_reserved() =>
        Fails(Base + "\nidentity:\n  issuers:\n    - issuer: sluice-dev\n      audiences: [a]\n"
            + "      jwks_file: j.json", 14, 15, "issuer 'sluice-dev' is reserved");

    [Fact]
    public void Access_rule_needs_someone() =>
        Fails(Base + "\naccess:\n  - connections: [demo]", 13, 5, "an access rule needs 'identities' or 'groups'");

    [Fact]
    public void Access_rule_names_unknown_connection() =>
        Fails(Base + "\naccess:\n  - { connections: [demo, other], groups: [g] }", 13, 27,
            "access rule names connection 'other', which is not defined");

    [Fact]
    public void Access_rule_needs_connections() =>
        Fails(Base + "\naccess:\n  - groups: [g]", 13, 5, "an access rule is missing required key 'connections'");
}
