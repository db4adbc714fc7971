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
        await using var gateway = await StartOwnGatewayAsync(server);
        await using var connection = await gateway.OpenAsync(gateway.MintDevToken("killed", "demo"));
        await KillAsync(connection.ProcessID);

        var error = await Assert.ThrowsAsync<PostgresException>(() => new NpgsqlCommand("SELECT 1", connection).ExecuteScalarAsync());
        Assert.Equal("08006", error.SqlState);
        Assert.Contains("lost its connection to the database", error.MessageText, StringComparison.Ordinal);

        var recording = await gateway.WaitForRecordingAsync(r => r.Header.Subject == "killed");
        Assert.StartsWith("upstream", recording.EndReason, StringComparison.Ordinal);
    }

    private const string HugeResult = "SELECT g, repeat('x', 100) FROM generate_series(1, 5000000) g";

    [Fact]
    public async Task BackendKilledMidResult_TheClientGetsAnError_NotATruncatedSuccess_AndTheRecordingIsClosed()
    {
        await using var server = await PostgresServer.StartAsync();
        await using var gateway = await StartOwnGatewayAsync(server);
        await using var connection = await gateway.OpenAsync(gateway.MintDevToken("killed-mid-result", "demo"));
        var (rows, error) = await ReadUntilFailureAsync(connection, afterRows: 10_000, () => KillAsync(connection.ProcessID));

        Assert.InRange(rows, 10_000, 4_999_999);
        var postgresError = Assert.IsType<PostgresException>(error);
        Assert.Equal("08006", postgresError.SqlState);
        Assert.Contains("lost its connection to the database", postgresError.MessageText, StringComparison.Ordinal);

        var recording = await gateway.WaitForRecordingAsync(r => r.Header.Subject == "killed-mid-result");
        Assert.StartsWith("upstream", recording.EndReason, StringComparison.Ordinal);
        var verification = RecordingVerifier.Verify(recording.Path);
        Assert.Equal(VerificationStatus.Intact, verification.Status);
        Assert.True(verification.HasSessionEnd);
    }

    [Fact]
    public async Task BackendTerminatedMidResult_PassesTheServersFatalError_AndTheRecordingSaysSo()
    {
        await using var gateway = await GatewayHarness.StartAsync(postgres);
        await using var connection = await gateway.OpenAsync(gateway.MintDevToken("terminated-mid-result", "demo"));
        var pid = connection.ProcessID;

        var (rows, error) = await ReadUntilFailureAsync(connection, afterRows: 10_000, async () =>
        {
            await using var admin = new NpgsqlConnection(postgres.UpstreamConnectionString);
            await admin.OpenAsync();
            Assert.Equal(true, await new NpgsqlCommand($"SELECT pg_terminate_backend({pid})", admin).ExecuteScalarAsync());
        });

        // A backend that is blocked writing to a full socket when told to terminate cannot send its FATAL message
        // and just closes (mid-row, usually); one that is not blocked sends 57P01. The client hears either.
        Assert.InRange(rows, 10_000, 4_999_999);
        var sqlState = Assert.IsType<PostgresException>(error).SqlState;
        Assert.Contains(sqlState, new[] { "57P01", "08006" });

        var recording = await gateway.WaitForRecordingAsync(r => r.Header.Subject == "terminated-mid-result");
        Assert.StartsWith(
            sqlState == "57P01" ? "upstream ended the session: 57P01" : "upstream connection closed",
            recording.EndReason,
            StringComparison.Ordinal);
        var verification = RecordingVerifier.Verify(recording.Path);
        Assert.Equal(VerificationStatus.Intact, verification.Status);
        Assert.True(verification.HasSessionEnd);
    }

    /// <summary>
    /// A gateway in front of a server of the test's own with the demo role and database: a SIGKILLed backend makes
    /// the postmaster restart every backend, which must not hit the other tests' sessions.
    /// </summary>
    private static async Task<GatewayHarness> StartOwnGatewayAsync(PostgresServer server)
    {
        var password = "pw-" + Guid.NewGuid().ToString("N");
        await server.CreateRoleAsync(PostgresFixture.UpstreamUser, password);
        await server.CreateDatabaseAsync("demo", PostgresFixture.UpstreamUser);
        return await GatewayHarness.StartAsync(server.Port, password);
    }

    private static async Task KillAsync(int pid)
    {
        using var kill = Process.Start("kill", ["-KILL", pid.ToString(System.Globalization.CultureInfo.InvariantCulture)])!;
        await kill.WaitForExitAsync();
    }

    /// <summary>
    /// Streams <see cref="HugeResult"/>, runs <paramref name="strike"/> once <paramref name="afterRows"/> rows
    /// have arrived, and keeps reading until the read fails. A read that ends normally fails the test: that would
    /// be a truncated result passed off as complete.
    /// </summary>
    private static async Task<(long Rows, Exception Error)> ReadUntilFailureAsync(
        NpgsqlConnection connection, long afterRows, Func<Task> strike)
    {
        long rows = 0;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        try
        {
            await using var command = new NpgsqlCommand(HugeResult, connection) { CommandTimeout = 0 };
            await using var reader = await command.ExecuteReaderAsync(timeout.Token);
            while (await reader.ReadAsync(timeout.Token))
            {
                if (++rows == afterRows)
                {
                    await strike();
                }
            }
        }
        catch (Exception e) when (e is NpgsqlException or IOException)
        {
            return (rows, e);
        }

        Assert.Fail($"the result ended normally after {rows} rows although its backend was stopped part way");
        return default;
    }
}
