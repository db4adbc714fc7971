using Npgsql;
using Sluice.IntegrationTests.Infrastructure;

namespace Sluice.IntegrationTests.Native;

/// <summary>
/// The native AOT binary end to end: trimming and AOT compilation must not have removed anything the
/// gateway needs at run time (YAML binding, JWT validation, TLS, zstd, the command line).
/// </summary>
[Collection("postgres")]
public sealed class NativeBinaryTests(PostgresFixture postgres)
{
    private static NpgsqlConnection Connect(NativeGateway gateway, string token) => new(new NpgsqlConnectionStringBuilder
    {
        Host = "127.0.0.1",
        Port = gateway.Port,
        Username = "native-test",
        Password = token,
        Database = "demo",
        SslMode = SslMode.Require,
        Pooling = false,
    }.ConnectionString);

    [SkippableFact]
    public async Task NativeGateway_ServesTlsSessions_RecordsThem_AndStopsCleanlyOnSigterm()
    {
        await using var gateway = await NativeGateway.StartAsync(NativeGateway.RequireBinary(), postgres);
        await using (var connection = Connect(gateway, await gateway.MintAsync("native-agent")))
        {
            await connection.OpenAsync();
            var email = await new NpgsqlCommand("SELECT email FROM customers WHERE id = 3", connection).ExecuteScalarAsync();
            Assert.EndsWith("@example.com", (string)email!, StringComparison.Ordinal);
        }

        var bad = Connect(gateway, "not-a-token");
        Assert.Equal("28P01", (await Assert.ThrowsAsync<PostgresException>(() => bad.OpenAsync())).SqlState);

        Assert.Equal(0, await gateway.StopAsync());

        var sessions = await gateway.RunCommandAsync("sessions", "--config", gateway.ConfigPath);
        Assert.Contains("native-agent", sessions.StandardOutput, StringComparison.Ordinal);
        var id = sessions.StandardOutput.Split('\n')[1].Split(' ')[0];
        var replay = await gateway.RunCommandAsync("replay", id, "--config", gateway.ConfigPath);
        Assert.Equal(0, replay.ExitCode);
        Assert.Contains("SELECT email FROM customers WHERE id = 3", replay.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("@example.com", replay.StandardOutput, StringComparison.Ordinal);

        var files = Directory.GetFiles(gateway.RecordingsDirectory);
        var verify = await gateway.RunCommandAsync(["verify", .. files]);
        Assert.Equal(0, verify.ExitCode);
        Assert.DoesNotContain("truncated", verify.StandardOutput, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task GatewayKilledMidSession_LeavesARecordingThatVerifiesAndReplaysUpToItsLastFlush()
    {
        await using var gateway = await NativeGateway.StartAsync(NativeGateway.RequireBinary(), postgres);
        var connection = Connect(gateway, await gateway.MintAsync("crash-agent"));
        await connection.OpenAsync();
        await new NpgsqlCommand("SELECT 'before the crash'", connection).ExecuteScalarAsync();
        await Task.Delay(TimeSpan.FromSeconds(1)); // several flush intervals

        await gateway.CrashAsync();
        await Assert.ThrowsAnyAsync<Exception>(() => new NpgsqlCommand("SELECT 1", connection).ExecuteScalarAsync());
        await connection.DisposeAsync();

        var file = Assert.Single(Directory.GetFiles(gateway.RecordingsDirectory));
        var verify = await gateway.RunCommandAsync("verify", file);
        Assert.Equal(0, verify.ExitCode);
        Assert.Contains(": OK", verify.StandardOutput, StringComparison.Ordinal);

        var replay = await gateway.RunCommandAsync("replay", file, "--config", gateway.ConfigPath);
        Assert.Contains("before the crash", replay.StandardOutput, StringComparison.Ordinal);
        Assert.DoesNotContain("session ended", replay.StandardOutput, StringComparison.Ordinal);
    }
}
