using System.Globalization;
using Npgsql;
using Sluice.Core.Recording;
using Sluice.IntegrationTests.Infrastructure;
using Xunit.Abstractions;

namespace Sluice.IntegrationTests.Native;

/// <summary>
/// Faults that only the real process shows: SIGKILL of the gateway mid-session, and a client that stops reading
/// a large result while the gateway's memory is watched from /proc.
/// </summary>
[Collection("postgres")]
public sealed class NativeFaultTests(PostgresFixture postgres, ITestOutputHelper output)
{
    private static async Task<NpgsqlConnection> OpenAsync(NativeGateway gateway, string subject, bool tls = true)
    {
        var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder
        {
            Host = "127.0.0.1",
            Port = gateway.Port,
            Username = "native-fault-test",
            Password = await gateway.MintAsync(subject),
            Database = "demo",
            SslMode = tls ? SslMode.Require : SslMode.Disable,
            Pooling = false,
            CommandTimeout = 30,
        }.ConnectionString);
        await connection.OpenAsync();
        return connection;
    }

    [SkippableFact]
    public async Task GatewaySigkilledMidSession_RecordingHoldsWhatWasFlushed_AndTheToolsSayItWasNotClosed()
    {
        await using var gateway = await NativeGateway.StartAsync(NativeGateway.RequireBinary(), postgres, flushInterval: "1s");
        var connection = await OpenAsync(gateway, "sigkill-agent");
        for (var i = 1; i <= 3; i++)
        {
            await new NpgsqlCommand($"SELECT 'flushed statement {i}'", connection).ExecuteScalarAsync();
        }

        // What is older than the flush interval must survive the kill; give the flusher two intervals.
        await Task.Delay(TimeSpan.FromSeconds(2.5));
        await new NpgsqlCommand("SELECT 'sent just before the kill'", connection).ExecuteScalarAsync();

        await gateway.CrashAsync();
        await Assert.ThrowsAnyAsync<Exception>(() => new NpgsqlCommand("SELECT 1", connection).ExecuteScalarAsync());
        await connection.DisposeAsync();

        var file = Assert.Single(Directory.GetFiles(gateway.RecordingsDirectory));
        var verification = RecordingVerifier.Verify(file);
        Assert.Contains(verification.Status, new[] { VerificationStatus.Intact, VerificationStatus.IntactButTruncated });
        Assert.False(verification.HasSessionEnd);
        var texts = RecordingReader.ReadEvents(file).OfType<RequestEvent>().Select(r => r.Text).ToList();
        for (var i = 1; i <= 3; i++)
        {
            Assert.Contains($"SELECT 'flushed statement {i}'", texts);
        }

        var verify = await gateway.RunCommandAsync("verify", file);
        Assert.Equal(0, verify.ExitCode);
        Assert.Matches(@": OK \((truncated, )?not closed\): ", verify.StandardOutput);
        Assert.Contains("ended without a closing frame", verify.StandardOutput, StringComparison.Ordinal);

        var replay = await gateway.RunCommandAsync("replay", file, "--config", gateway.ConfigPath);
        Assert.Equal(0, replay.ExitCode);
        Assert.Equal("", replay.StandardError);
        Assert.Contains("flushed statement 3", replay.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("ended without a closing frame", replay.StandardOutput.Split('\n').Last(l => l.Length > 0),
            StringComparison.Ordinal);

        var sessions = await gateway.RunCommandAsync("sessions", "--config", gateway.ConfigPath);
        Assert.Contains("open or cut short", sessions.StandardOutput, StringComparison.Ordinal);
    }

    /// <summary>
    /// Over TLS the session is relayed by pipes on the thread pool; in plaintext by the event loop, which must stop
    /// reading the database while the client's socket is full, and keep serving the loop's other sessions (one
    /// loop here, so that both sessions share it).
    /// </summary>
    [SkippableTheory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task ClientThatStopsReading_GatewayMemoryStopsGrowing_AndOtherSessionsStayResponsive(bool tls)
    {
        const long ResultBytes = 1_000_000L * 1_000;
        await using var gateway = await NativeGateway.StartAsync(
            NativeGateway.RequireBinary(), postgres, allowPlaintext: !tls, eventLoops: tls ? null : 1);
        await using var other = await OpenAsync(gateway, "responsive-agent", tls);
        var stalled = await OpenAsync(gateway, "stalled-reader", tls);
        var backend = stalled.ProcessID;
        await using var admin = new NpgsqlConnection(postgres.UpstreamConnectionString);
        await admin.OpenAsync();
        var baseline = ResidentBytes(gateway.ProcessId);

        var reader = await new NpgsqlCommand(
            "SELECT g, repeat('x', 1000) FROM generate_series(1, 1000000) g", stalled).ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        try
        {
            // The client reads no further. Once every buffer on the way is full, the database blocks writing to
            // the gateway: from then on nothing may grow.
            await WaitForClientWriteAsync(admin, backend);

            var samples = new List<long>();
            for (var i = 0; i < 10; i++)
            {
                samples.Add(ResidentBytes(gateway.ProcessId));
                using var quick = new CancellationTokenSource(TimeSpan.FromSeconds(10));
                Assert.Equal(i, await new NpgsqlCommand($"SELECT {i}", other).ExecuteScalarAsync(quick.Token));
                await Task.Delay(TimeSpan.FromMilliseconds(500));
            }

            Assert.Equal("ClientWrite", await WaitEventAsync(admin, backend));
            output.WriteLine($"gateway RSS: {baseline >> 20} MiB before the query; while stalled: {Describe(samples)}");
            var growth = samples.Max() - samples[0];
            Assert.True(growth < 16L << 20, $"RSS grew by {growth >> 20} MiB while the client read nothing: {Describe(samples)}");
            Assert.True(samples.Max() - baseline < 128L << 20,
                $"RSS rose {(samples.Max() - baseline) >> 20} MiB over its {baseline >> 20} MiB baseline for a " +
                $"{ResultBytes >> 20} MiB result the client is not reading: {Describe(samples)}");
        }
        finally
        {
            // Ending the backend lets the stalled client fail fast instead of draining a gigabyte on dispose.
            await new NpgsqlCommand($"SELECT pg_terminate_backend({backend})", admin).ExecuteScalarAsync();
            try
            {
                await reader.DisposeAsync();
                await stalled.DisposeAsync();
            }
            catch (Exception e) when (e is NpgsqlException or IOException)
            {
                // The result ends in the error the termination caused.
            }
        }
    }

    private static async Task WaitForClientWriteAsync(NpgsqlConnection admin, int backend)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        string? waitEvent;
        while ((waitEvent = await WaitEventAsync(admin, backend)) != "ClientWrite")
        {
            Assert.True(DateTime.UtcNow < deadline, $"backend {backend} never blocked on its socket (wait event {waitEvent})");
            await Task.Delay(100);
        }
    }

    private static async Task<string?> WaitEventAsync(NpgsqlConnection admin, int backend) =>
        await new NpgsqlCommand($"SELECT wait_event FROM pg_stat_activity WHERE pid = {backend}", admin)
            .ExecuteScalarAsync() as string;

    /// <summary>VmRSS of a process, from /proc/PID/status.</summary>
    private static long ResidentBytes(int pid)
    {
        var line = File.ReadLines($"/proc/{pid}/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        var kilobytes = long.Parse(line["VmRSS:".Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
        return kilobytes * 1024;
    }

    private static string Describe(List<long> samples) =>
        string.Join(", ", samples.Select(s => (s >> 20).ToString(CultureInfo.InvariantCulture) + " MiB"));
}
