using System.Net;
using Microsoft.Extensions.Logging;
using Npgsql;
using Sluice.Core.Configuration;
using Sluice.Core.Identity;
using Sluice.Core.Recording;
using Sluice.Host;
using Sluice.IntegrationTests.Admin;
using Sluice.IntegrationTests.Infrastructure;

namespace Sluice.IntegrationTests.Postgres;

/// <summary>
/// A gateway running in the test process in front of the shared test PostgreSQL: a PostgreSQL listener on
/// a free loopback port serving connection "demo", the dev issuer trusted, and an OIDC issuer whose JWKS is
/// a file of test keys.
/// </summary>
internal sealed class GatewayHarness : IAsyncDisposable
{
    private readonly Gateway _gateway;
    private readonly ILoggerFactory _loggers;

    private GatewayHarness(
        Gateway gateway, ILoggerFactory loggers, LogCapture logs, string dataDirectory, TestIssuer issuer)
    {
        _gateway = gateway;
        _loggers = loggers;
        Logs = logs;
        DataDirectory = dataDirectory;
        Issuer = issuer;
        DevKey = DevSigningKey.LoadOrCreate(dataDirectory);
    }

    public string DataDirectory { get; }

    /// <summary>Every line the gateway logged, at every level (the console only shows warnings and above).</summary>
    public LogCapture Logs { get; }

    public string ConfigPath { get; private init; } = "";

    private bool VerifyRecordingsOnDispose { get; init; } = true;

    public TestIssuer Issuer { get; }

    public DevSigningKey DevKey { get; }

    public IPEndPoint Endpoint => _gateway.Endpoints["pg"];

    public int Port => Endpoint.Port;

    /// <summary>Where the admin API listens, when the configuration has an <c>admin:</c> section.</summary>
    public IPEndPoint? AdminEndpoint => _gateway.AdminEndpoint;

    public RecordingStore Recordings => _gateway.Services.Recordings;

    public Sluice.Core.Sessions.GatewayServices Services => _gateway.Services;

    /// <summary>The folder holding the configuration and data directory, to start another gateway over it.</summary>
    public string Folder => Path.GetDirectoryName(ConfigPath)!;

    public string AuditFile => Path.Combine(DataDirectory, "audit.jsonl");

    public static Task<GatewayHarness> StartAsync(PostgresFixture postgres, HarnessOptions? options = null) =>
        StartAsync(postgres.Server.Port, postgres.UpstreamPassword, options);

    public static Task<GatewayHarness> StartAsync(int upstreamPort, string upstreamPassword, HarnessOptions? options = null)
    {
        options ??= new HarnessOptions();
        var directory = options.Folder ?? Directory.CreateTempSubdirectory("sluice-it-").FullName;
        var issuer = TestIssuer.Create(directory);
        var yaml = $"""
            data_dir: {directory}/data
            listeners:
              - name: pg
                protocol: postgres
                listen: 127.0.0.1:0
                connections: [demo, other]
                allow_plaintext_auth: {(options.AllowPlaintext ? "true" : "false")}
            {options.ListenerYaml}
            connections:
              - name: demo
                protocol: postgres
                upstream:
                  host: 127.0.0.1
                  port: {upstreamPort}
                  database: demo
                  user: {options.UpstreamUser}
                  password: "{options.UpstreamPassword ?? upstreamPassword}"
            {options.DemoUpstreamYaml}
              - name: other
                protocol: postgres
                upstream:
                  host: 127.0.0.1
                  port: {upstreamPort}
                  database: demo
                  user: {PostgresFixture.UpstreamUser}
                  password: "{upstreamPassword}"
            identity:
              dev_issuer: true
              issuers:
                - issuer: {TestIssuer.IssuerName}
                  audiences: [{TestIssuer.Audience}]
                  jwks_file: {issuer.JwksPath}
            {options.IdentityYaml}
            access:
              - connections: [demo]
                groups: [demo]
              - connections: [demo]
                identities: [oidc-agent]
              - connections: [other]
                identities: [other-agent]
            recording:
              flush_interval: 200ms
              bind_parameters: {(options.RecordBindParameters ? "true" : "false")}
              row_bytes_per_statement: {options.RowBytesPerStatement}
            {options.RecordingYaml}
            {options.MaskingYaml}
            {options.PolicyYaml}
            {options.ApprovalsYaml}
            limits:
              startup_timeout: {options.StartupTimeout}
              max_message_bytes: {options.MaxMessageBytes}
            """;
        var configPath = Path.Combine(directory, "sluice.yaml");
        File.WriteAllText(configPath, yaml);
        var config = ConfigLoader.Load(configPath);
        var logs = new LogCapture();
        var loggers = LoggerFactory.Create(b =>
        {
            b.SetMinimumLevel(LogLevel.Debug)
                .AddProvider(logs)
                .AddConsole()
                .AddFilter<Microsoft.Extensions.Logging.Console.ConsoleLoggerProvider>(level => level >= LogLevel.Warning);
            if (options.Logs is { } warnings)
            {
                b.AddProvider(new ListLoggerProvider(warnings))
                    .AddFilter<ListLoggerProvider>(level => level >= LogLevel.Warning);
            }
        });
        var gateway = Gateway.Start(config, loggers);
        return Task.FromResult(new GatewayHarness(gateway, loggers, logs, config.DataDirectory, issuer)
        {
            ConfigPath = configPath,
            VerifyRecordingsOnDispose = options.VerifyRecordingsOnDispose,
        });
    }

    public string MintDevToken(string subject = "agent-1", params string[] groups) =>
        DevKey.Mint(subject, groups.Length == 0 ? ["demo"] : groups, TimeSpan.FromMinutes(10), TimeProvider.System);

    /// <summary>
    /// Whether this run's clients connect without TLS by default. TLS sessions are relayed by pipes and plaintext
    /// ones by the event loops, so test.sh runs the PostgreSQL tests a second time in plaintext
    /// (<c>SLUICE_TEST_RELAY=plaintext</c>) to put every relay behaviour through both.
    /// </summary>
    public static bool PlaintextByDefault { get; } = Environment.GetEnvironmentVariable("SLUICE_TEST_RELAY") == "plaintext";

    /// <summary>
    /// An Npgsql connection string through the gateway: TLS on (the gateway's self-signed certificate) unless
    /// <paramref name="tls"/> or the run's default says otherwise.
    /// </summary>
    public string ConnectionString(string token, string database = "demo", bool? tls = null) =>
        new NpgsqlConnectionStringBuilder
        {
            Host = "127.0.0.1",
            Port = Port,
            Username = "whoever",
            Password = token,
            Database = database,
            SslMode = tls ?? !PlaintextByDefault ? SslMode.Require : SslMode.Disable,
            Pooling = false,
            Timeout = 15,
        }.ConnectionString;

    public async Task<NpgsqlConnection> OpenAsync(string? token = null)
    {
        var connection = new NpgsqlConnection(ConnectionString(token ?? MintDevToken()));
        await connection.OpenAsync();
        return connection;
    }

    /// <summary>Waits until the session's recording is complete (the gateway finalises it as the session ends).</summary>
    public async Task<RecordingSummary> WaitForRecordingAsync(Func<RecordingSummary, bool> match)
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (true)
        {
            var found = Recordings.List(new RecordingFilter()).FirstOrDefault(s => s.Complete && match(s));
            if (found is not null)
            {
                return found;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("no completed recording matched in 15 s");
            }

            await Task.Delay(50);
        }
    }

    /// <summary>
    /// Stops the gateway, then checks that every session it recorded was finalised and verifies: each test
    /// that uses the harness also proves its own recordings whole.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        await _gateway.DisposeAsync();
        _loggers.Dispose();
        if (!VerifyRecordingsOnDispose)
        {
            return;
        }

        foreach (var recording in Recordings.List(new RecordingFilter()))
        {
            var verification = RecordingVerifier.Verify(recording.Path);
            Assert.True(
                verification.Status == VerificationStatus.Intact && verification.HasSessionEnd,
                $"recording {recording.Path} of {recording.Header.Subject}: {verification.Message}");
        }
    }
}

/// <summary>What a test changes in the harness's configuration.</summary>
internal sealed record HarnessOptions
{
    public bool AllowPlaintext { get; init; } = GatewayHarness.PlaintextByDefault;

    /// <summary>Extra keys for the listener, indented to match.</summary>
    public string ListenerYaml { get; init; } = "";

    public string UpstreamUser { get; init; } = PostgresFixture.UpstreamUser;

    /// <summary>Overrides the demo connection's upstream password (to test a wrong credential).</summary>
    public string? UpstreamPassword { get; init; }

    /// <summary>Extra keys under the demo connection's upstream, indented to match.</summary>
    public string DemoUpstreamYaml { get; init; } = "";

    public string StartupTimeout { get; init; } = "15s";

    /// <summary>Extra keys under <c>identity:</c> (such as <c>api_keys</c>), indented two spaces.</summary>
    public string IdentityYaml { get; init; } = "";

    public string MaxMessageBytes { get; init; } = "16MiB";

    public bool RecordBindParameters { get; init; }

    /// <summary>Start over an existing harness folder (its data directory and keys) instead of a new one.</summary>
    public string? Folder { get; init; }

    /// <summary>Top-level <c>approvals:</c> and <c>admin:</c> sections, unindented.</summary>
    public string ApprovalsYaml { get; init; } = "";

    /// <summary>A top-level <c>policy:</c> section, unindented.</summary>
    public string PolicyYaml { get; init; } = "";

    /// <summary>A top-level <c>masking:</c> section, unindented.</summary>
    public string MaskingYaml { get; init; } = "";

    public string RowBytesPerStatement { get; init; } = "1MiB";

    /// <summary>Extra keys under <c>recording:</c>, indented to match.</summary>
    public string RecordingYaml { get; init; } = "";

    /// <summary>Also collects the gateway's log lines (warning and above) here.</summary>
    public ListLogger? Logs { get; init; }

    /// <summary>
    /// Whether stopping the harness checks every recording is whole and closed; off for tests that break the
    /// recording disk on purpose and check their recordings themselves.
    /// </summary>
    public bool VerifyRecordingsOnDispose { get; init; } = true;
}
