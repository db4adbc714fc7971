using System.Text.Json;
using Microsoft.Extensions.Logging;
using Npgsql;
using Sluice.Core.Recording;
using Sluice.IntegrationTests.Admin;
using Sluice.IntegrationTests.Infrastructure;

namespace Sluice.IntegrationTests.Postgres;

/// <summary>
/// The recording disk full or read-only, for real (a tmpfs mounted over the recordings directory):
/// <c>recording.on_failure: refuse</c> fails closed, <c>continue</c> lets sessions run unrecorded, and either
/// way the audit log and the log say so once.
/// </summary>
[Collection("postgres")]
public sealed class PgRecordingFailureTests(PostgresFixture postgres)
{
    private const string BigResult = "SELECT repeat('x', 200) FROM generate_series(1, 2000)";

    /// <summary>Npgsql loads the server's types with one query of its own when it opens a connection.</summary>
    private const int NpgsqlOpeningStatements = 1;

    private sealed record Setup(TmpfsMount Disk, GatewayHarness Gateway, ListLogger Logs) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            // The gateway first, so it lets go of its files; the mount comes off even if that fails.
            try
            {
                await Gateway.DisposeAsync();
            }
            finally
            {
                await Disk.DisposeAsync();
            }
        }
    }

    private async Task<Setup> StartAsync(string size, bool readOnly, bool fillFirst, string onFailure = "refuse")
    {
        var folder = Directory.CreateTempSubdirectory("sluice-disk-").FullName;
        var disk = await TmpfsMount.MountAsync(Path.Combine(folder, "data", "recordings"), size, readOnly);
        try
        {
            if (fillFirst)
            {
                disk.Fill();
            }

            var logs = new ListLogger();
            var gateway = await GatewayHarness.StartAsync(postgres, new HarnessOptions
            {
                Folder = folder,
                Logs = logs,
                RecordingYaml = $"  on_failure: {onFailure}",
                VerifyRecordingsOnDispose = false,
            });
            return new Setup(disk, gateway, logs);
        }
        catch
        {
            await disk.DisposeAsync();
            throw;
        }
    }

    private static List<JsonElement> Audit(GatewayHarness gateway, string type, string subject) =>
        [.. File.ReadAllLines(gateway.AuditFile)
            .Select(line => JsonDocument.Parse(line).RootElement)
            .Where(e => e.GetProperty("type").GetString() == type && e.GetProperty("subject").GetString() == subject)];

    private static async Task<List<JsonElement>> WaitForAuditAsync(GatewayHarness gateway, string type, string subject)
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (true)
        {
            var found = Audit(gateway, type, subject);
            if (found.Count > 0 || DateTime.UtcNow > deadline)
            {
                return found;
            }

            await Task.Delay(50);
        }
    }

    [Fact]
    public async Task FullDisk_RefusesANewSessionWith53100_AuditsIt_AndLeavesNoStub()
    {
        await using var setup = await StartAsync("256k", readOnly: false, fillFirst: true);
        var gateway = setup.Gateway;

        var error = await Assert.ThrowsAsync<PostgresException>(
            () => gateway.OpenAsync(gateway.MintDevToken("full-disk-agent", "demo")));
        Assert.Equal("53100", error.SqlState);
        Assert.Equal(
            "session recording is unavailable (the recording disk is full), so the gateway refuses the session",
            error.MessageText);
        Assert.DoesNotContain(setup.Disk.Path, error.MessageText + error.Hint, StringComparison.Ordinal);

        // Npgsql may retry a refused start-up once: every attempt is its own refused, audited session.
        var failed = Audit(gateway, "recording.failed", "full-disk-agent");
        Assert.NotEmpty(failed);
        Assert.All(failed, e =>
        {
            Assert.Equal("session refused", e.GetProperty("action").GetString());
            Assert.Equal("DiskFull", e.GetProperty("failure").GetString());
        });
        Assert.Empty(Audit(gateway, "session.start", "full-disk-agent"));

        var lines = setup.Logs.Entries.Where(e => e.Message.Contains("full-disk-agent", StringComparison.Ordinal)).ToList();
        Assert.Equal(failed.Count, lines.Count);
        Assert.All(lines, line =>
        {
            Assert.Equal(LogLevel.Error, line.Level);
            Assert.Contains("refused: its recording cannot be created", line.Message, StringComparison.Ordinal);
            Assert.Contains(gateway.Recordings.Directory, line.Message, StringComparison.Ordinal);
        });

        Assert.Empty(Directory.GetFiles(setup.Disk.Path, "*" + RecordingStore.Extension));
    }

    [Fact]
    public async Task ReadOnlyDisk_RefusesANewSessionWith58030()
    {
        await using var setup = await StartAsync("1m", readOnly: true, fillFirst: false);
        var gateway = setup.Gateway;

        var error = await Assert.ThrowsAsync<PostgresException>(
            () => gateway.OpenAsync(gateway.MintDevToken("read-only-agent", "demo")));
        Assert.Equal("58030", error.SqlState);
        Assert.Contains("session recording is unavailable", error.MessageText, StringComparison.Ordinal);
        Assert.Contains("not writable", error.MessageText, StringComparison.Ordinal);

        var failed = Audit(gateway, "recording.failed", "read-only-agent");
        Assert.NotEmpty(failed);
        Assert.All(failed, e => Assert.Equal("NotWritable", e.GetProperty("failure").GetString()));
        Assert.Contains(setup.Logs.Entries, e => e.Level == LogLevel.Error
            && e.Message.Contains("read-only-agent", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ReadOnlyDisk_WithContinue_RunsTheSessionUnrecorded_AndSaysSoOnce()
    {
        await using var setup = await StartAsync("1m", readOnly: true, fillFirst: false, onFailure: "continue");
        var gateway = setup.Gateway;

        await using (var connection = await gateway.OpenAsync(gateway.MintDevToken("unrecorded-agent", "demo")))
        {
            for (var i = 0; i < 5; i++)
            {
                Assert.Equal(2000, await connection.CountRowsAsync(BigResult));
            }
        }

        var failed = Assert.Single(Audit(gateway, "recording.failed", "unrecorded-agent"));
        Assert.Equal("session runs unrecorded", failed.GetProperty("action").GetString());
        var started = Assert.Single(Audit(gateway, "session.start", "unrecorded-agent"));
        Assert.Equal(JsonValueKind.Null, started.GetProperty("recording").ValueKind);
        var ended = Assert.Single(await WaitForAuditAsync(gateway, "session.end", "unrecorded-agent"));
        Assert.Equal(5 + NpgsqlOpeningStatements, ended.GetProperty("statements").GetInt64());

        var warnings = setup.Logs.Entries.Where(e => e.Message.Contains("unrecorded-agent", StringComparison.Ordinal)).ToList();
        var warning = Assert.Single(warnings);
        Assert.Equal(LogLevel.Warning, warning.Level);
        Assert.Contains("runs UNRECORDED", warning.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFiles(setup.Disk.Path));
    }

    [Fact]
    public async Task DiskFillsMidSession_EndsTheSessionWith53100_AuditsIt_AndKeepsWhatWasWritten()
    {
        await using var setup = await StartAsync("2m", readOnly: false, fillFirst: false);
        var gateway = setup.Gateway;
        var connection = await gateway.OpenAsync(gateway.MintDevToken("mid-session-agent", "demo"));
        Assert.Equal(1, await new NpgsqlCommand("SELECT 1", connection).ExecuteScalarAsync());
        var recording = Assert.Single(Directory.GetFiles(setup.Disk.Path, "*" + RecordingStore.Extension));
        await WaitUntilRecordedAsync(recording, "SELECT 1");

        setup.Disk.Fill();
        var ended = await RunUntilTheSessionEndsAsync(connection);
        await connection.DisposeAsync();

        Assert.Equal("53100", ended.SqlState);
        Assert.Equal(
            "session recording failed (the recording disk is full), so the gateway ends the session", ended.MessageText);

        var failed = Assert.Single(await WaitForAuditAsync(gateway, "recording.failed", "mid-session-agent"));
        Assert.Equal("session ended", failed.GetProperty("action").GetString());
        var end = Assert.Single(await WaitForAuditAsync(gateway, "session.end", "mid-session-agent"));
        Assert.StartsWith("recording failed: ", end.GetProperty("reason").GetString(), StringComparison.Ordinal);
        var line = Assert.Single(setup.Logs.Entries, e => e.Message.Contains("mid-session-agent", StringComparison.Ordinal));
        Assert.Equal(LogLevel.Error, line.Level);
        Assert.Contains("failed mid-session", line.Message, StringComparison.Ordinal);

        // What reached the disk before it filled is a sound recording, just without its end.
        var verification = RecordingVerifier.Verify(recording);
        Assert.NotEqual(VerificationStatus.Corrupt, verification.Status);
        Assert.False(verification.HasSessionEnd);
        Assert.Contains(RecordingReader.ReadEvents(recording), e => e is RequestEvent { Text: "SELECT 1" });
    }

    [Fact]
    public async Task DiskFillsMidSession_WithContinue_TheSessionCarriesOn_AndItIsSaidOnce()
    {
        await using var setup = await StartAsync("2m", readOnly: false, fillFirst: false, onFailure: "continue");
        var gateway = setup.Gateway;
        await using (var connection = await gateway.OpenAsync(gateway.MintDevToken("carry-on-agent", "demo")))
        {
            Assert.Equal(1, await new NpgsqlCommand("SELECT 1", connection).ExecuteScalarAsync());
            setup.Disk.Fill();
            Assert.Equal(2000, await connection.CountRowsAsync(BigResult));
            Assert.Single(await WaitForAuditAsync(gateway, "recording.failed", "carry-on-agent"));
            for (var i = 0; i < 5; i++)
            {
                Assert.Equal(2000, await connection.CountRowsAsync(BigResult));
            }
        }

        var failed = Assert.Single(Audit(gateway, "recording.failed", "carry-on-agent"));
        Assert.Equal("session continues unrecorded", failed.GetProperty("action").GetString());
        Assert.Equal("DiskFull", failed.GetProperty("failure").GetString());
        var end = Assert.Single(await WaitForAuditAsync(gateway, "session.end", "carry-on-agent"));
        Assert.Equal(7 + NpgsqlOpeningStatements, end.GetProperty("statements").GetInt64());
        var line = Assert.Single(setup.Logs.Entries, e => e.Message.Contains("carry-on-agent", StringComparison.Ordinal));
        Assert.Equal(LogLevel.Warning, line.Level);
        Assert.Contains("runs UNRECORDED", line.Message, StringComparison.Ordinal);
    }

    /// <summary>Waits for the flusher to have written <paramref name="statement"/> to the recording.</summary>
    private static async Task WaitUntilRecordedAsync(string recording, string statement)
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (!RecordingReader.ReadEvents(recording).Any(e => e is RequestEvent request && request.Text == statement))
        {
            Assert.True(DateTime.UtcNow < deadline, $"'{statement}' was not flushed to {recording} within 15 s");
            await Task.Delay(50);
        }
    }

    /// <summary>
    /// Keeps the session busy until the gateway ends it: the recorder fails on its next flush, which comes within
    /// the flush interval of the first statement after the disk filled.
    /// </summary>
    private static async Task<PostgresException> RunUntilTheSessionEndsAsync(NpgsqlConnection connection)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                await connection.CountRowsAsync(BigResult);
            }
            catch (PostgresException e)
            {
                return e;
            }

            await Task.Delay(50);
        }

        throw new TimeoutException("the gateway did not end the session within 20 s of its recording disk filling");
    }
}
