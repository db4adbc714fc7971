using System.Net;
using Microsoft.Extensions.Logging;
using Npgsql;
using Sluice.Core.Configuration;
using Sluice.Core.Identity;
using Sluice.Core.Recording;
using Sluice.Host;
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

    private GatewayHarness(Gateway gateway, ILoggerFactory loggers, string dataDirectory, TestIssuer issuer)
    {
        _gateway = gateway;
        _loggers = loggers;
        DataDirectory = dataDirectory;
        Issuer = issuer;
        DevKey = DevSigningKey.LoadOrCreate(dataDirectory);
    }

    public string DataDirectory { get; }

    public TestIssuer Issuer { get; }

    public DevSigningKey DevKey { get; }

    public IPEndPoint Endpoint => _gateway.Endpoints["pg"];

    public int Port => Endpoint.Port;

    public RecordingStore Recordings => _gateway.Services.Recordings;

    public string AuditFile => Path.Combine(DataDirectory, "audit.jsonl");

    public static Task<GatewayHarness> StartAsync(PostgresFixture postgres, string extraListenerYaml = "", bool allowPlaintext = false)
    {
        var directory = Directory.CreateTempSubdirectory("sluice-it-").FullName;
        var issuer = TestIssuer.Create(directory);
        var yaml = $"""
            data_dir: {directory}/data
            listeners:
              - name: pg
                protocol: postgres
                listen: 127.0.0.1:0
                connections: [demo, other]
                allow_plaintext_auth: {(allowPlaintext ? "true" : "false")}
            {extraListenerYaml}
            connections:
              - name: demo
                protocol: postgres
                upstream:
                  host: 127.0.0.1
                  port: {postgres.Server.Port}
                  database: demo
                  user: {PostgresFixture.UpstreamUser}
                  password: "{postgres.UpstreamPassword}"
              - name: other
                protocol: postgres
                upstream:
                  host: 127.0.0.1
                  port: {postgres.Server.Port}
                  database: demo
                  user: {PostgresFixture.UpstreamUser}
                  password: "{postgres.UpstreamPassword}"
            identity:
              dev_issuer: true
              issuers:
                - issuer: {TestIssuer.IssuerName}
                  audiences: [{TestIssuer.Audience}]
                  jwks_file: {issuer.JwksPath}
            access:
              - connections: [demo]
                groups: [demo]
              - connections: [demo]
                identities: [oidc-agent]
            recording:
              flush_interval: 200ms
            """;
        var configPath = Path.Combine(directory, "sluice.yaml");
        File.WriteAllText(configPath, yaml);
        var config = ConfigLoader.Load(configPath);
        var loggers = LoggerFactory.Create(b => b.SetMinimumLevel(LogLevel.Warning).AddConsole());
        var gateway = Gateway.Start(config, loggers);
        return Task.FromResult(new GatewayHarness(gateway, loggers, config.DataDirectory, issuer));
    }

    public string MintDevToken(string subject = "agent-1", params string[] groups) =>
        DevKey.Mint(subject, groups.Length == 0 ? ["demo"] : groups, TimeSpan.FromMinutes(10), TimeProvider.System);

    /// <summary>An Npgsql connection string through the gateway, TLS on (the gateway's self-signed certificate).</summary>
    public string ConnectionString(string token, string database = "demo", bool tls = true) =>
        new NpgsqlConnectionStringBuilder
        {
            Host = "127.0.0.1",
            Port = Port,
            Username = "whoever",
            Password = token,
            Database = database,
            SslMode = tls ? SslMode.Require : SslMode.Disable,
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

    public async ValueTask DisposeAsync()
    {
        await _gateway.DisposeAsync();
        _loggers.Dispose();
    }
}
