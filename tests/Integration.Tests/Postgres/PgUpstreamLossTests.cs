using System.Diagnostics;
using Npgsql;
using Sluice.Core.Recording;
using Sluice.IntegrationTests.Infrastructure;

namespace Sluice.IntegrationTests.Postgres;

/// <summary>When the database side goes away mid-session, the client learns it and the recording says why.</summary>
[Collection("postgres")]
public sealed class PgUpstreamLossTests(PostgresFixture postgres)
{
    [Fact]
    public async Task BackendTerminatedByTheServer_PassesTheServersFatalError_AndEndsTheRecording()
    {
        await using var gateway = await GatewayHarness.StartAsync(postgres);
        await using var connection = await gateway.OpenAsync(gateway.MintDevToken("terminated", "demo"));
        var pid = connection.ProcessID;

        await using (var admin = new NpgsqlConnection(postgres.UpstreamConnectionString))
        {
            await admin.OpenAsync();
            await new NpgsqlCommand($"SELECT pg_terminate_backend({pid})", admin).ExecuteScalarAsync();
        }

        var error = await Assert.ThrowsAsync<PostgresException>(() => new NpgsqlCommand("SELECT 1", connection).ExecuteScalarAsync());
        Assert.Equal("57P01", error.SqlState);

        var recording = await gateway.WaitForRecordingAsync(r => r.Header.Subject == "terminated");
        Assert.StartsWith("upstream ended the session: 57P01", recording.EndReason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BackendKilledWithoutAWord_TellsTheClient08006()
    {
        await using var server = await PostgresServer.StartAsync();
        var password = "pw-" + Guid.NewGuid().ToString("N");
        await server.CreateRoleAsync(PostgresFixture.UpstreamUser, password);
        await server.CreateDatabaseAsync("demo", PostgresFixture.UpstreamUser);

        await using var gateway = await GatewayHarness.StartAsync(server.Port, password);
        await using var connection = await gateway.OpenAsync(gateway.MintDevToken("killed", "demo"));
        var backend = connection.ProcessID.ToString(System.Globalization.CultureInfo.InvariantCulture);
        using (var kill = Process.Start("kill", ["-KILL", backend]))
        {
            await kill.WaitForExitAsync();
        }

        var error = await Assert.ThrowsAsync<PostgresException>(() => new NpgsqlCommand("SELECT 1", connection).ExecuteScalarAsync());
        Assert.Equal("08006", error.SqlState);
        Assert.Contains("lost its connection to the database", error.MessageText, StringComparison.Ordinal);

        var recording = await gateway.WaitForRecordingAsync(r => r.Header.Subject == "killed");
        Assert.StartsWith("upstream", recording.EndReason, StringComparison.Ordinal);
    }
}
