using System.Text;
using System.Text.Json;
using Npgsql;
using NpgsqlTypes;
using Sluice.Core.Recording;
using Sluice.IntegrationTests.Infrastructure;

namespace Sluice.IntegrationTests.Postgres;

/// <summary>What a session's recording holds, and what it keeps out.</summary>
[Collection("postgres")]
public sealed class PgRecordingTests(PostgresFixture postgres)
{
    private static async Task<List<RecordingEvent>> RecordSessionAsync(
        GatewayHarness gateway, string subject, Func<NpgsqlConnection, Task> work)
    {
        await using (var connection = await gateway.OpenAsync(gateway.MintDevToken(subject, "demo")))
        {
            await work(connection);
        }

        var recording = await gateway.WaitForRecordingAsync(r => r.Header.Subject == subject);
        return [.. RecordingReader.ReadEvents(recording.Path)];
    }

    private static async Task SelectByParameterAsync(NpgsqlConnection connection)
    {
        await using var command = new NpgsqlCommand("SELECT full_name FROM customers WHERE email = $1", connection);
        command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Text, Value = "secret-parameter@example.com" });
        await command.ExecuteScalarAsync();
    }

    [Fact]
    public async Task BindParameters_AreNotRecordedByDefault()
    {
        await using var gateway = await GatewayHarness.StartAsync(postgres);
        var events = await RecordSessionAsync(gateway, "params-off", SelectByParameterAsync);
        Assert.Contains(events, e => e is RequestEvent { Text: "SELECT full_name FROM customers WHERE email = $1" });
        Assert.DoesNotContain(events, e => e is ParametersEvent);
    }

    [Fact]
    public async Task BindParameters_AreRecordedWhenConfigured()
    {
        await using var gateway = await GatewayHarness.StartAsync(postgres, new HarnessOptions { RecordBindParameters = true });
        var events = await RecordSessionAsync(gateway, "params-on", SelectByParameterAsync);
        var parameters = Assert.Single(events.OfType<ParametersEvent>());
        Assert.Equal("secret-parameter@example.com", Encoding.UTF8.GetString(Assert.Single(parameters.Values)!));
    }

    [Fact]
    public async Task RowsBeyondTheBudget_AreCountedButNotStored()
    {
        await using var gateway = await GatewayHarness.StartAsync(postgres, new HarnessOptions { RowBytesPerStatement = "4KiB" });
        var events = await RecordSessionAsync(gateway, "budget", async connection =>
        {
            await using var reader = await new NpgsqlCommand("SELECT * FROM customers", connection).ExecuteReaderAsync();
            var rows = 0;
            while (await reader.ReadAsync())
            {
                rows++;
            }

            Assert.Equal(10_000, rows);
        });

        var completed = events.OfType<CompletedEvent>().Single(c => c.Tag == "SELECT 10000");
        Assert.Equal(10_000, completed.Rows);
        Assert.True(completed.Truncated);
        Assert.InRange(completed.RowsRecorded, 1, 100);
        var end = events.IndexOf(completed);
        var start = events.FindLastIndex(end, e => e is ColumnsEvent);
        Assert.Equal(completed.RowsRecorded, events.Skip(start).Take(end - start).OfType<RowEvent>().Count());
    }

    [Fact]
    public async Task AuditLog_AnchorsEachRecordingsFinalHash()
    {
        await using var gateway = await GatewayHarness.StartAsync(postgres);
        await RecordSessionAsync(gateway, "anchored", c => new NpgsqlCommand("SELECT 1", c).ExecuteScalarAsync());
        var recording = await gateway.WaitForRecordingAsync(r => r.Header.Subject == "anchored");

        var lines = await File.ReadAllLinesAsync(gateway.AuditFile);
        var events = lines.Select(l => JsonDocument.Parse(l).RootElement).ToList();
        var start = events.Single(e => e.GetProperty("type").GetString() == "session.start"
            && e.GetProperty("subject").GetString() == "anchored");
        var end = events.Single(e => e.GetProperty("type").GetString() == "session.end"
            && e.GetProperty("subject").GetString() == "anchored");

        Assert.Equal(recording.Header.SessionId, start.GetProperty("session").GetString());
        Assert.Equal(recording.Path, start.GetProperty("recording").GetString());
        Assert.Equal("client terminated the session", end.GetProperty("reason").GetString());
        Assert.Equal(RecordingVerifier.Verify(recording.Path).FinalHashHex, end.GetProperty("recording_sha256").GetString());
    }
}
