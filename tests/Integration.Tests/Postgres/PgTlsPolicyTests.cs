using Microsoft.Extensions.Logging;
using Sluice.IntegrationTests.Infrastructure;

namespace Sluice.IntegrationTests.Postgres;

/// <summary>
/// What the client-facing listener negotiates, probed with <c>openssl s_client -starttls postgres</c> (a real TLS
/// client that sends SSLRequest first): TLS 1.2 and 1.3 with AEAD suites only. Old protocols and non-AEAD suites
/// are offered by the client with OpenSSL's security level 0, so a refusal is the gateway's, not the client's;
/// the gateway's log line about the failed handshake proves the client really tried. RC4, 3DES and export
/// suites cannot be probed this way: OpenSSL 3 as built here (and linked into the native binary) no longer
/// has them, even at security level 0; <see cref="Sluice.Core.Security.TlsPolicy"/> excludes them all the same.
/// </summary>
[Collection("postgres")]
public sealed class PgTlsPolicyTests(PostgresFixture postgres) : IAsyncLifetime
{
    private GatewayHarness _gateway = null!;

    public async Task InitializeAsync() => _gateway = await GatewayHarness.StartAsync(postgres);

    public async Task DisposeAsync() => await _gateway.DisposeAsync();

    [Theory]
    [InlineData("-tls1_2", "TLSv1.2")]
    [InlineData("-tls1_3", "TLSv1.3")]
    public async Task ModernTls_IsNegotiated_WithAnAeadSuite(string version, string expected)
    {
        var result = await SClientAsync(version);
        Assert.True(result.Succeeded, result.StandardError + result.StandardOutput);
        var all = result.StandardOutput + result.StandardError;
        Assert.Contains($"Protocol version: {expected}", all, StringComparison.Ordinal);
        Assert.Matches(@"Ciphersuite: \S*(GCM|CHACHA20)", all);
    }

    public static TheoryData<string[]> RefusedOffers => new()
    {
        { new[] { "-tls1_1", "-cipher", "DEFAULT:@SECLEVEL=0" } },
        { new[] { "-tls1", "-cipher", "DEFAULT:@SECLEVEL=0" } },
        { new[] { "-tls1_2", "-cipher", "ECDHE-ECDSA-AES128-SHA:ECDHE-RSA-AES128-SHA:@SECLEVEL=0" } },          // CBC
        { new[] { "-tls1_2", "-cipher", "ECDHE-ECDSA-AES256-SHA384:ECDHE-RSA-AES256-SHA384:@SECLEVEL=0" } },    // CBC
        { new[] { "-tls1_2", "-cipher", "AES128-GCM-SHA256:AES256-SHA:@SECLEVEL=0" } },                         // no forward secrecy
    };

    [Theory]
    [MemberData(nameof(RefusedOffers))]
    public async Task OldProtocolsAndNonAeadSuites_AreRefusedByTheGateway(string[] offer)
    {
        var result = await SClientAsync(offer);
        Assert.False(result.Succeeded, "the handshake succeeded:\n" + result.StandardOutput + result.StandardError);
        Assert.DoesNotContain("Protocol version:", result.StandardOutput + result.StandardError, StringComparison.Ordinal);
        var line = await _gateway.Logs.WaitForAsync(
            e => e.EventId.Id == 1019 && e.Message.Contains("TLS handshake", StringComparison.Ordinal));
        Assert.Equal(LogLevel.Information, line.Level);
        Assert.DoesNotContain(_gateway.Logs.Entries, e => e.Level >= LogLevel.Error);
    }

    [Fact]
    public async Task UpstreamLeg_NegotiatesTls12OrLater_WithAnAeadSuite()
    {
        await using var gateway = await GatewayHarness.StartAsync(postgres, new HarnessOptions
        {
            DemoUpstreamYaml = "      tls: require",
        });
        await using var connection = await gateway.OpenAsync();
        await using var command = new Npgsql.NpgsqlCommand(
            "SELECT version, cipher FROM pg_stat_ssl WHERE pid = pg_backend_pid()", connection);
        await using var reader = await command.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        Assert.Contains(reader.GetString(0), new[] { "TLSv1.2", "TLSv1.3" });
        Assert.Matches("GCM|CHACHA20", reader.GetString(1));
    }

    [Fact]
    public async Task UpstreamOfferingOnlyTls11_IsRefusedWith08001()
    {
        await using var server = await PostgresServer.StartAsync(new PostgresServerOptions
        {
            ExtraSettings = new Dictionary<string, string>
            {
                ["ssl_min_protocol_version"] = "'TLSv1'",
                ["ssl_max_protocol_version"] = "'TLSv1.1'",
                ["ssl_ciphers"] = "'DEFAULT:@SECLEVEL=0'",
            },
        });
        var password = "pw-" + Guid.NewGuid().ToString("N");
        await server.CreateRoleAsync(PostgresFixture.UpstreamUser, password);
        await server.CreateDatabaseAsync("demo", PostgresFixture.UpstreamUser);

        await using var gateway = await GatewayHarness.StartAsync(server.Port, password, new HarnessOptions
        {
            DemoUpstreamYaml = "      tls: require",
        });
        var error = await Assert.ThrowsAsync<Npgsql.PostgresException>(() => gateway.OpenAsync());
        Assert.Equal("08001", error.SqlState);
        var line = await gateway.Logs.WaitForAsync(e => e.EventId.Id == 1006);
        Assert.Contains("TLS with", line.Message, StringComparison.Ordinal);
    }

    private async Task<ProcessResult> SClientAsync(params string[] options)
    {
        string[] arguments =
        [
            "s_client", "-connect", $"127.0.0.1:{_gateway.Port}", "-starttls", "postgres", "-brief", .. options,
        ];
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        return await ProcessRunner.RunAsync("openssl", arguments, asPostgres: false, standardInput: "", ct: timeout.Token);
    }
}
