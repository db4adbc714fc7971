using Npgsql;
using Sluice.IntegrationTests.Infrastructure;

namespace Sluice.IntegrationTests.Postgres;

/// <summary>How the gateway logs in upstream: credential methods, TLS, and what the client hears on failure.</summary>
[Collection("postgres")]
public sealed class PgUpstreamTests(PostgresFixture postgres)
{
    [Fact]
    public async Task UpstreamTlsVerifyFull_WithTheServersCa_EncryptsTheUpstreamLeg()
    {
        await using var gateway = await GatewayHarness.StartAsync(postgres, new HarnessOptions
        {
            DemoUpstreamYaml = $"      tls: verify-full\n      ca_file: {postgres.Server.CertificatePath}",
        });
        await using var connection = await gateway.OpenAsync();
        var ssl = await new NpgsqlCommand("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()", connection)
            .ExecuteScalarAsync();
        Assert.Equal(true, ssl);
    }

    [Fact]
    public async Task UpstreamTlsVerifyFull_AgainstAnUntrustedCertificate_IsRefusedWith08001()
    {
        await using var gateway = await GatewayHarness.StartAsync(postgres, new HarnessOptions
        {
            DemoUpstreamYaml = "      tls: verify-full",
        });
        var error = await Assert.ThrowsAsync<PostgresException>(() => gateway.OpenAsync());
        Assert.Equal("08001", error.SqlState);
        Assert.Contains("securely", error.MessageText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WrongUpstreamPassword_TellsTheClientToAskTheOperator_Not28P01()
    {
        await using var gateway = await GatewayHarness.StartAsync(postgres, new HarnessOptions
        {
            UpstreamPassword = "not-the-password",
        });
        var error = await Assert.ThrowsAsync<PostgresException>(() => gateway.OpenAsync());
        Assert.Equal("08001", error.SqlState);
        Assert.Contains("operator", error.MessageText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnreachableUpstream_IsRefusedWith08001()
    {
        using var probe = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        probe.Start();
        var closedPort = ((System.Net.IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();

        await using var gateway = await GatewayHarness.StartAsync(closedPort, "irrelevant");
        var error = await Assert.ThrowsAsync<PostgresException>(() => gateway.OpenAsync());
        Assert.Equal("08001", error.SqlState);
    }

    [Theory]
    [InlineData(PostgresAuthMethod.Md5)]
    [InlineData(PostgresAuthMethod.Trust)]
    public async Task OtherUpstreamAuthMethods_Work(PostgresAuthMethod method)
    {
        await using var server = await PostgresServer.StartAsync(new PostgresServerOptions { HostAuthMethod = method });
        var password = "pw-" + Guid.NewGuid().ToString("N");
        var storage = method == PostgresAuthMethod.Md5 ? "md5" : "scram-sha-256";
        await server.CreateRoleAsync(PostgresFixture.UpstreamUser, password, method: storage);
        await server.CreateDatabaseAsync("demo", PostgresFixture.UpstreamUser);

        await using var gateway = await GatewayHarness.StartAsync(server.Port, password);
        await using var connection = await gateway.OpenAsync();
        Assert.Equal(PostgresFixture.UpstreamUser, await new NpgsqlCommand("SELECT current_user", connection).ExecuteScalarAsync());
    }

    [Fact]
    public async Task StartupParameters_PassThroughToTheUpstream()
    {
        await using var gateway = await GatewayHarness.StartAsync(postgres);
        var builder = new NpgsqlConnectionStringBuilder(gateway.ConnectionString(gateway.MintDevToken()))
        {
            ApplicationName = "nightly-report",
            Options = "-c statement_timeout=4321",
        };
        await using var connection = new NpgsqlConnection(builder.ConnectionString);
        await connection.OpenAsync();
        var applicationName = new NpgsqlCommand("SELECT current_setting('application_name')", connection);
        Assert.Equal("nightly-report", await applicationName.ExecuteScalarAsync());
        Assert.Equal("4321ms", await new NpgsqlCommand("SHOW statement_timeout", connection).ExecuteScalarAsync());
    }

    [Fact]
    public async Task StartupSettingThatWouldBlindTheGateway_IsRefusedWith22023()
    {
        await using var gateway = await GatewayHarness.StartAsync(postgres);
        var builder = new NpgsqlConnectionStringBuilder(gateway.ConnectionString(gateway.MintDevToken()))
        {
            Options = "-c standard_conforming_strings=off",
        };
        await using var connection = new NpgsqlConnection(builder.ConnectionString);
        var error = await Assert.ThrowsAsync<PostgresException>(() => connection.OpenAsync());
        Assert.Equal("22023", error.SqlState);
        Assert.Contains("standard_conforming_strings", error.MessageText, StringComparison.Ordinal);
    }
}
