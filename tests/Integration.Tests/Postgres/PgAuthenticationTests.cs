using Npgsql;
using Sluice.IntegrationTests.Infrastructure;

namespace Sluice.IntegrationTests.Postgres;

/// <summary>Who gets in through the gateway, and what the refused are told.</summary>
[Collection("postgres")]
public sealed class PgAuthenticationTests(PostgresFixture postgres) : IAsyncLifetime
{
    private GatewayHarness _gateway = null!;

    public async Task InitializeAsync() => _gateway = await GatewayHarness.StartAsync(postgres);

    public async Task DisposeAsync() => await _gateway.DisposeAsync();

    [Fact]
    public async Task DevToken_ConnectsAsTheConnectionsOwnRole()
    {
        await using var connection = await _gateway.OpenAsync(_gateway.MintDevToken("agent-7", "demo"));
        await using var command = new NpgsqlCommand("SELECT current_user, count(*) FROM customers", connection);
        await using var reader = await command.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        Assert.Equal(PostgresFixture.UpstreamUser, reader.GetString(0));
        Assert.Equal(10_000, reader.GetInt64(1));
    }

    [Fact]
    public async Task OidcToken_SignedByTheTrustedKey_Connects()
    {
        await using var connection = await _gateway.OpenAsync(_gateway.Issuer.Token());
        await using var command = new NpgsqlCommand("SELECT 41 + 1", connection);
        Assert.Equal(42, await command.ExecuteScalarAsync());
    }

    public static TheoryData<string, string> RefusedTokens => new()
    {
        { "expired", "token has expired" },
        { "not-yet-valid", "token is not valid yet" },
        { "wrong-issuer", "token was not accepted" },
        { "wrong-audience", "token was not accepted" },
        { "unsigned", "token was not accepted" },
        { "unknown-key", "token was not accepted" },
        { "garbage", "token was not accepted" },
    };

    [Theory]
    [MemberData(nameof(RefusedTokens))]
    public async Task BadToken_IsRefusedWith28P01(string kind, string expectedMessage)
    {
        var issuer = _gateway.Issuer;
        var now = DateTime.UtcNow;
        var token = kind switch
        {
            "expired" => issuer.Token(notBefore: now.AddHours(-2), expires: now.AddHours(-1)),
            "not-yet-valid" => issuer.Token(notBefore: now.AddHours(1), expires: now.AddHours(2)),
            "wrong-issuer" => issuer.Token(issuer: "https://elsewhere.test/"),
            "wrong-audience" => issuer.Token(audience: "someone-else"),
            "unsigned" => TestIssuer.Unsigned(),
            "unknown-key" => issuer.Token(signWithUntrustedKey: true),
            _ => "definitely-not-a-token",
        };

        var error = await Assert.ThrowsAsync<PostgresException>(() => _gateway.OpenAsync(token));
        Assert.Equal("28P01", error.SqlState);
        Assert.Equal(expectedMessage, error.MessageText);
        Assert.Contains("auth.failure", await File.ReadAllTextAsync(_gateway.AuditFile));
    }

    [Fact]
    public async Task IdentityWithoutAnAccessRule_IsRefusedWith28000()
    {
        var error = await Assert.ThrowsAsync<PostgresException>(
            () => _gateway.OpenAsync(_gateway.MintDevToken("intruder", "not-demo")));
        Assert.Equal("28000", error.SqlState);
        Assert.Contains("intruder", error.MessageText, StringComparison.Ordinal);
        Assert.Contains("access.denied", await File.ReadAllTextAsync(_gateway.AuditFile));
    }

    [Fact]
    public async Task ConnectionTheIdentityMayNotUse_IsRefusedWith28000()
    {
        await using var connection = new NpgsqlConnection(_gateway.ConnectionString(_gateway.MintDevToken(), "other"));
        var error = await Assert.ThrowsAsync<PostgresException>(() => connection.OpenAsync());
        Assert.Equal("28000", error.SqlState);
    }

    [Fact]
    public async Task UnknownDatabaseName_IsRefusedWith3D000()
    {
        await using var connection = new NpgsqlConnection(_gateway.ConnectionString(_gateway.MintDevToken(), "nope"));
        var error = await Assert.ThrowsAsync<PostgresException>(() => connection.OpenAsync());
        Assert.Equal("3D000", error.SqlState);
        Assert.Contains("demo", error.Hint, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TokenOverPlaintext_IsRefusedBeforeTheTokenIsAskedFor()
    {
        await using var gateway = await GatewayHarness.StartAsync(postgres, new HarnessOptions { AllowPlaintext = false });
        await using var connection = new NpgsqlConnection(
            gateway.ConnectionString(gateway.MintDevToken(), tls: false));
        var error = await Assert.ThrowsAsync<PostgresException>(() => connection.OpenAsync());
        Assert.Equal("28000", error.SqlState);
        Assert.Contains("TLS", error.MessageText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReplicationConnection_IsRefused()
    {
        var builder = new NpgsqlConnectionStringBuilder(_gateway.ConnectionString(_gateway.MintDevToken()))
        {
            Options = "",
        };
        await using var connection = new Npgsql.Replication.LogicalReplicationConnection(builder.ConnectionString);
        var error = await Assert.ThrowsAsync<PostgresException>(() => connection.Open());
        Assert.Equal("28000", error.SqlState);
        Assert.Contains("replication", error.MessageText, StringComparison.Ordinal);
    }
}
