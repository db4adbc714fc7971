using System.Net;
using System.Net.Sockets;
using Npgsql;
using Sluice.IntegrationTests.Infrastructure;

namespace Sluice.IntegrationTests.InfrastructureTests;

/// <summary>Servers of their own, for the variants and the lifecycle the shared fixture cannot show.</summary>
public sealed class PostgresServerTests
{
    [Fact]
    public async Task Md5Server_AcceptsMd5StoredRole_AndRefusesWrongPassword()
    {
        await using PostgresServer server = await PostgresServer.StartAsync(
            new PostgresServerOptions { HostAuthMethod = PostgresAuthMethod.Md5 });
        await server.CreateRoleAsync("legacy_app", "s3cret'pw", method: "md5");

        string stored = await server.ExecuteSqlAsync("SELECT rolpassword FROM pg_authid WHERE rolname = 'legacy_app'");
        string rule = await server.ExecuteSqlAsync(
            "SELECT auth_method FROM pg_hba_file_rules WHERE address = '127.0.0.1'");
        Assert.Matches("^md5[0-9a-f]{32}$", stored.Trim());
        Assert.Equal("md5", rule.Trim());

        await using (var connection = new NpgsqlConnection(NoPooling(server, "legacy_app", "s3cret'pw", "postgres")))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand("SELECT current_user::text", connection);
            Assert.Equal("legacy_app", await command.ExecuteScalarAsync());
        }

        await using var refused = new NpgsqlConnection(NoPooling(server, "legacy_app", "wrong", "postgres"));
        var error = await Assert.ThrowsAsync<PostgresException>(() => refused.OpenAsync());
        Assert.Equal("28P01", error.SqlState);
    }

    [Fact]
    public async Task Dispose_StopsThePostmaster_AndDeletesTheDirectory()
    {
        PostgresServer server = await PostgresServer.StartAsync();
        int pid = server.ProcessId;
        int port = server.Port;
        string root = server.RootDirectory;
        Assert.True(PostgresServer.IsProcessAlive(pid));
        Assert.True(Directory.Exists(server.DataDirectory));
        Assert.StartsWith(root, server.SocketDirectory, StringComparison.Ordinal);

        await server.DisposeAsync();

        Assert.False(Directory.Exists(root));
        Assert.False(PostgresServer.IsProcessAlive(pid));
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        var refused = await Assert.ThrowsAsync<SocketException>(
            async () => await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port)));
        Assert.Equal(SocketError.ConnectionRefused, refused.SocketErrorCode);
    }

    [Fact]
    public async Task ExecuteSql_WithInvalidSql_ThrowsWithTheServerMessage()
    {
        await using PostgresServer server = await PostgresServer.StartAsync();

        var error = await Assert.ThrowsAsync<InvalidOperationException>(
            () => server.ExecuteSqlAsync("SELECT 1;\nSELEC broken;\nSELECT 2;"));

        Assert.Contains("syntax error", error.Message, StringComparison.Ordinal);
        Assert.Equal("3", (await server.ExecuteSqlAsync("SELECT 1 + 2")).Trim());
    }

    [Fact]
    public async Task TrustServer_LetsAnyRoleInWithoutPassword()
    {
        await using PostgresServer server = await PostgresServer.StartAsync(
            new PostgresServerOptions { HostAuthMethod = PostgresAuthMethod.Trust });
        await server.CreateRoleAsync("reporter", "unused");

        string connectionString = NoPooling(server, "reporter", "not-the-password", "postgres");
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();

        Assert.Equal(System.Data.ConnectionState.Open, connection.State);
    }

    private static string NoPooling(PostgresServer server, string user, string password, string database) =>
        new NpgsqlConnectionStringBuilder(server.ConnectionString(user, password, database)) { Pooling = false }
            .ConnectionString;
}
