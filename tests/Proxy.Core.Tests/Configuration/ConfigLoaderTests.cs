using System.Net;
using Sluice.Core.Configuration;

namespace Sluice.Core.Tests.Configuration;

public sealed class ConfigLoaderTests
{
    private const string Source = "/etc/sluice/sluice.yaml";

    private const string FullConfig = """
        data_dir: ./data
        listeners:
          - name: pg
            protocol: postgres
            listen: 127.0.0.1:6432
            connections: [demo, reports]
            tls: { certificate: cert.pem, key: /abs/key.pem }
            allow_plaintext_auth: true
          - name: pg6
            protocol: postgres
            listen: "[::1]:6433"
            connections: [demo]
        connections:
          - name: demo
            protocol: postgres
            allow_replication: true
            upstream:
              host: db.internal
              port: 5433
              database: demo
              user: sluice_demo
              password: { env: SLUICE_TEST_FULL_PW }
              tls: verify-full
              ca_file: certs/ca.pem
              connect_timeout: 500ms
          - name: reports
            protocol: postgres
            upstream:
              host: 10.0.0.5
              user: reporter
              password: plain-inline
        identity:
          dev_issuer: true
          clock_skew: 1m
          issuers:
            - issuer: https://idp.example.com/
              audiences: [sluice, other]
              jwks_url: https://idp.example.com/jwks.json
              groups_claim: roles
              subject_claim: email
              jwks_refresh: 1h
            - issuer: https://files.example.com/
              audiences: sluice
              jwks_file: keys/jwks.json
          api_keys:
            - identity: nightly-export
              sha256: 00112233445566778899AABBCCDDEEFF00112233445566778899aabbccddeeff
              groups: [etl, export]
        access:
          - connections: [demo]
            identities: [alice]
            groups: [demo]
          - connections: reports
            groups: etl
        recording: { row_bytes_per_statement: 64KiB, bind_parameters: true, flush_interval: 2s, zstd_level: 19,
                     on_failure: continue }
        audit: { path: logs/audit.jsonl }
        limits: { max_message_bytes: 1GiB, startup_timeout: 5m }
        """;

    private static readonly Func<string, string?> FullEnvironment =
        name => name == "SLUICE_TEST_FULL_PW" ? "from-env" : null;

    [Fact]
    public void Full_config_binds_every_field()
    {
        var config = ConfigLoader.Parse(FullConfig, Source, FullEnvironment);

        Assert.Equal(Source, config.SourcePath);
        Assert.Equal("/etc/sluice/data", config.DataDirectory);

        Assert.Equal(2, config.Listeners.Count);
        var pg = config.Listeners[0];
        Assert.Equal("pg", pg.Name);
        Assert.Equal(ProtocolKind.Postgres, pg.Protocol);
        Assert.Equal(new IPEndPoint(IPAddress.Loopback, 6432), pg.Listen);
        Assert.Equal(["demo", "reports"], pg.Connections);
        Assert.Equal("/etc/sluice/cert.pem", pg.Tls.CertificatePath);
        Assert.Equal("/abs/key.pem", pg.Tls.KeyPath);
        Assert.True(pg.AllowPlaintextAuthentication);
        var pg6 = config.Listeners[1];
        Assert.Equal(new IPEndPoint(IPAddress.IPv6Loopback, 6433), pg6.Listen);
        Assert.Null(pg6.Tls.CertificatePath);
        Assert.Null(pg6.Tls.KeyPath);
        Assert.False(pg6.AllowPlaintextAuthentication);

        Assert.Equal(2, config.Connections.Count);
        var demo = config.FindConnection("demo")!;
        Assert.Equal(ProtocolKind.Postgres, demo.Protocol);
        Assert.True(demo.AllowReplication);
        Assert.Equal("db.internal", demo.Upstream.Host);
        Assert.Equal(5433, demo.Upstream.Port);
        Assert.Equal("demo", demo.Upstream.Database);
        Assert.Equal("sluice_demo", demo.Upstream.User);
        Assert.Equal("from-env", demo.Upstream.Password!.Reveal());
        Assert.Equal("env:SLUICE_TEST_FULL_PW", demo.Upstream.Password.Origin);
        Assert.Equal(UpstreamTlsMode.VerifyFull, demo.Upstream.Tls);
        Assert.Equal("/etc/sluice/certs/ca.pem", demo.Upstream.CaFile);
        Assert.Equal(TimeSpan.FromMilliseconds(500), demo.Upstream.ConnectTimeout);
        var reports = config.FindConnection("reports")!;
        Assert.False(reports.AllowReplication);
        Assert.Equal(5432, reports.Upstream.Port);
        Assert.Null(reports.Upstream.Database);
        Assert.Equal("plain-inline", reports.Upstream.Password!.Reveal());
        Assert.Equal("inline", reports.Upstream.Password.Origin);
        Assert.Equal(UpstreamTlsMode.Disable, reports.Upstream.Tls);
        Assert.Null(reports.Upstream.CaFile);
        Assert.Equal(TimeSpan.FromSeconds(10), reports.Upstream.ConnectTimeout);

        var identity = config.Identity;
        Assert.True(identity.DevIssuer);
        Assert.Equal(TimeSpan.FromMinutes(1), identity.ClockSkew);
        Assert.Equal(2, identity.Issuers.Count);
        var idp = identity.Issuers[0];
        Assert.Equal("https://idp.example.com/", idp.Issuer);
        Assert.Equal(["sluice", "other"], idp.Audiences);
        Assert.Equal(new Uri("https://idp.example.com/jwks.json"), idp.JwksUrl);
        Assert.Null(idp.JwksFile);
        Assert.Equal("roles", idp.GroupsClaim);
        Assert.Equal("email", idp.SubjectClaim);
        Assert.Equal(TimeSpan.FromHours(1), idp.JwksRefresh);
        var files = identity.Issuers[1];
        Assert.Equal(["sluice"], files.Audiences);
        Assert.Null(files.JwksUrl);
        Assert.Equal("/etc/sluice/keys/jwks.json", files.JwksFile);
        Assert.Equal("groups", files.GroupsClaim);
        Assert.Equal("sub", files.SubjectClaim);
        Assert.Equal(TimeSpan.FromMinutes(10), files.JwksRefresh);
        var apiKey = Assert.Single(identity.ApiKeys);
        Assert.Equal("nightly-export", apiKey.Identity);
        Assert.Equal(Convert.FromHexString("00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff"),
            apiKey.Sha256);
        Assert.Equal(["etl", "export"], apiKey.Groups);

        Assert.Equal(2, config.Access.Count);
        Assert.Equal(["demo"], config.Access[0].Connections);
        Assert.Equal(["alice"], config.Access[0].Identities);
        Assert.Equal(["demo"], config.Access[0].Groups);
        Assert.Equal(["reports"], config.Access[1].Connections);
        Assert.Empty(config.Access[1].Identities);
        Assert.Equal(["etl"], config.Access[1].Groups);

        Assert.Equal(64 * 1024, config.Recording.RowBytesPerStatement);
        Assert.True(config.Recording.BindParameters);
        Assert.Equal(TimeSpan.FromSeconds(2), config.Recording.FlushInterval);
        Assert.Equal(19, config.Recording.ZstdLevel);
        Assert.Equal(RecordingFailurePolicy.Continue, config.Recording.OnFailure);
        Assert.Equal("/etc/sluice/data/logs/audit.jsonl", config.Audit.Path);
        Assert.Equal(1 << 30, config.Limits.MaxMessageBytes);
        Assert.Equal(TimeSpan.FromMinutes(5), config.Limits.StartupTimeout);
    }

    [Fact]
    public void Minimal_config_takes_defaults()
    {
        var config = ConfigLoader.Parse(
            """
            listeners:
              - { name: pg, protocol: postgres, listen: 0.0.0.0:6432, connections: [demo] }
            connections:
              - { name: demo, protocol: postgres, upstream: { host: localhost, user: u } }
            """,
            "conf/sluice.yaml");

        var folder = Path.GetFullPath("conf");
        Assert.Equal(Path.Combine(folder, "data"), config.DataDirectory);
        Assert.Equal(Path.Combine(folder, "data", "audit.jsonl"), config.Audit.Path);
        Assert.Equal(new IPEndPoint(IPAddress.Any, 6432), config.Listeners[0].Listen);
        Assert.Null(config.Connections[0].Upstream.Password);
        Assert.False(config.Identity.DevIssuer);
        Assert.Equal(TimeSpan.FromSeconds(30), config.Identity.ClockSkew);
        Assert.Empty(config.Identity.Issuers);
        Assert.Empty(config.Access);
        Assert.Equal(1024 * 1024, config.Recording.RowBytesPerStatement);
        Assert.Equal(3, config.Recording.ZstdLevel);
        Assert.Equal(RecordingFailurePolicy.Refuse, config.Recording.OnFailure);
        Assert.Equal(16 * 1024 * 1024, config.Limits.MaxMessageBytes);
        Assert.Equal(TimeSpan.FromSeconds(15), config.Limits.StartupTimeout);
    }

    [Fact]
    public void Audit_dash_means_stdout_and_is_not_resolved()
    {
        var config = ConfigLoader.Parse(Minimal("audit: { path: \"-\" }"), Source);

        Assert.Equal("-", config.Audit.Path);
    }

    [Fact]
    public void Load_reads_file_and_resolves_paths_against_its_folder()
    {
        using var folder = new TempFolder();
        var path = folder.Write("conf/sluice.yaml", Minimal("data_dir: ../state"));

        var config = ConfigLoader.Load(path);

        Assert.Equal(Path.Combine(folder.Path, "state"), config.DataDirectory);
        Assert.Equal(path, config.SourcePath);
    }

    [Fact]
    public void Load_of_missing_file_is_a_config_error()
    {
        var ex = Assert.Throws<ConfigException>(() => ConfigLoader.Load("/nonexistent/sluice.yaml"));

        Assert.Equal("/nonexistent/sluice.yaml", ex.File);
        Assert.Contains("cannot read the configuration file", ex.Reason);
    }

    /// <summary>The one-listener, one-connection config, with extra top-level lines after it.</summary>
    internal static string Minimal(params string[] extra) =>
        string.Join(
            '\n',
            [
                "listeners:",
                "  - { name: pg, protocol: postgres, listen: 127.0.0.1:6432, connections: [demo] }",
                "connections:",
                "  - { name: demo, protocol: postgres, upstream: { host: h, user: u } }",
                .. extra,
            ]);
}
