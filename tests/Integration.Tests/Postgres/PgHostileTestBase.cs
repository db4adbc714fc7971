using Microsoft.Extensions.Logging;
using Npgsql;
using Sluice.IntegrationTests.Infrastructure;

namespace Sluice.IntegrationTests.Postgres;

/// <summary>
/// A gateway for hostile-client tests, with a well-behaved session opened before the test misbehaves: each test
/// ends by proving that session still works and that the gateway logged nothing at Error or above and no
/// exception (a client's garbage is the client's problem, never the gateway's failure).
/// </summary>
public abstract class PgHostileTestBase(PostgresFixture postgres) : IAsyncLifetime
{
    /// <summary>No hostile probe may make the gateway allocate anywhere near what the probe declares.</summary>
    protected const long AllocationBoundBytes = 256L * 1024 * 1024;

    private NpgsqlConnection _bystander = null!;

    private protected GatewayHarness Gateway { get; private set; } = null!;

    private protected abstract HarnessOptions Options { get; }

    public async Task InitializeAsync()
    {
        Gateway = await GatewayHarness.StartAsync(postgres, Options);
        _bystander = await Gateway.OpenAsync(Gateway.MintDevToken("bystander", "demo"));
        Assert.Equal(1, await new NpgsqlCommand("SELECT 1", _bystander).ExecuteScalarAsync());
    }

    public async Task DisposeAsync()
    {
        await _bystander.DisposeAsync();
        await Gateway.DisposeAsync();
    }

    /// <summary>The session opened before the test still answers, and nothing was logged as a gateway failure.</summary>
    protected async Task AssertGatewayUnharmedAsync()
    {
        Assert.Equal(42, await new NpgsqlCommand("SELECT 42", _bystander).ExecuteScalarAsync());
        var failures = Gateway.Logs.Entries
            .Where(e => e.Level >= LogLevel.Error || e.Exception is not null)
            .ToList();
        Assert.True(failures.Count == 0, "the gateway logged failures:\n" + string.Join('\n', failures));
    }

    /// <summary>Waits for the gateway's log line with this event id, and checks its level.</summary>
    private protected async Task<CapturedLog> ExpectLogAsync(int eventId, LogLevel level, string? containing = null)
    {
        var entry = await Gateway.Logs.WaitForAsync(e => e.EventId.Id == eventId
            && (containing is null || e.Message.Contains(containing, StringComparison.Ordinal)));
        Assert.Equal(level, entry.Level);
        return entry;
    }

    /// <summary>Waits until no upstream backend carries <paramref name="applicationName"/>: the gateway let it go.</summary>
    protected async Task WaitForNoBackendAsync(string applicationName)
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (true)
        {
            await using var command = new NpgsqlCommand(
                "SELECT count(*) FROM pg_stat_activity WHERE application_name = $1", _bystander);
            command.Parameters.AddWithValue(applicationName);
            var count = (long)(await command.ExecuteScalarAsync())!;
            if (count == 0)
            {
                return;
            }

            Assert.True(DateTime.UtcNow < deadline, $"{count} upstream backends of {applicationName} still open after 15 s");
            await Task.Delay(50);
        }
    }

    /// <summary>Bytes allocated by the whole test process while <paramref name="action"/> ran (the gateway runs in it).</summary>
    protected static async Task<long> AllocatedDuringAsync(Func<Task> action)
    {
        var before = GC.GetTotalAllocatedBytes(precise: true);
        await action();
        return GC.GetTotalAllocatedBytes(precise: true) - before;
    }

    protected static string UniqueName(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..(prefix.Length + 13)];
}
