using System.Diagnostics;
using System.Globalization;
using Npgsql;
using Sluice.IntegrationTests.Infrastructure;
using Sluice.IntegrationTests.Postgres;
using Sluice.Protocols.Postgres;
using Xunit.Abstractions;

namespace Sluice.IntegrationTests.Native;

/// <summary>
/// A thousand concurrent TLS sessions through the native binary, each running a steady mix for a while: simple
/// queries (raw protocol clients), small extended-protocol queries (Npgsql) and now and then a 500-row result.
/// Every request must succeed; afterwards the gateway's open descriptors return to their idle baseline (no
/// leaked socket, file or handle) and its memory did not grow through the second half of the run.
/// </summary>
/// <remarks>
/// About 30 s of load in the suite; <c>SLUICE_LOAD_SECONDS=300</c> runs it for five minutes and
/// <c>SLUICE_LOAD_CLIENTS</c> changes the number of sessions. The gateway needs about three descriptors per
/// session and the test process one, so ./test.sh raises <c>ulimit -n</c>. PostgreSQL gets its own cluster with
/// <c>max_connections</c> above the session count, since every session holds its own backend.
/// </remarks>
[Collection("postgres")]
public sealed class NativeLoadTests(ITestOutputHelper output)
{
    private const int RowsInResult = 500;

    private static int Setting(string name, int fallback) =>
        int.TryParse(Environment.GetEnvironmentVariable(name), CultureInfo.InvariantCulture, out var value) && value > 0
            ? value
            : fallback;

    [SkippableFact]
    public async Task ThousandConcurrentSessions_RunWithoutErrors_LeakNoDescriptors_AndHoldMemorySteady()
    {
        var binary = NativeGateway.FindBinary();
        Skip.If(binary is null, "no native binary: ./test.sh publishes one (or set SLUICE_NATIVE_BINARY)");
        var clients = Setting("SLUICE_LOAD_CLIENTS", 1000);
        var duration = TimeSpan.FromSeconds(Setting("SLUICE_LOAD_SECONDS", 30));
        var descriptorLimit = DescriptorLimit();
        Assert.True(descriptorLimit >= (clients * 2) + 512,
            $"the open-file limit is {descriptorLimit}: raise it (ulimit -n 65536, as ./test.sh does) for {clients} sessions");

        await using var server = await PostgresServer.StartAsync(new PostgresServerOptions
        {
            ExtraSettings = new Dictionary<string, string>
            {
                ["max_connections"] = (clients + 100).ToString(CultureInfo.InvariantCulture),
                ["shared_buffers"] = "'32MB'",
            },
        });
        var password = Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16));
        await server.CreateRoleAsync(PostgresFixture.UpstreamUser, password);
        await server.CreateDatabaseAsync("demo", PostgresFixture.UpstreamUser);
        await server.ExecuteSqlAsync(
            $"SET ROLE {PostgresFixture.UpstreamUser}; CREATE TABLE load_rows AS "
            + $"SELECT g AS id, md5(g::text) AS payload FROM generate_series(1, {RowsInResult}) g;",
            "demo");

        await using var gateway = await NativeGateway.StartAsync(binary!, server.Port, password);
        var token = (await gateway.RunCommandAsync(
            "token", "--config", gateway.ConfigPath, "--subject", "load", "--group", "demo")).StandardOutput.Trim();
        var certificate = Path.Combine(gateway.Directory, "data", "tls", "pg.crt");

        // One session opened and closed first, so that what the gateway sets up once is in the baseline.
        await using (var warm = new NpgsqlConnection(ConnectionString(gateway.Port, token)))
        {
            await warm.OpenAsync();
            await new NpgsqlCommand("SELECT 1", warm).ExecuteScalarAsync();
        }

        await Task.Delay(500);
        var baseline = Descriptors(gateway.ProcessId);
        var idleRss = RssBytes(gateway.ProcessId);

        var stats = new LoadStats();
        using var opening = new SemaphoreSlim(32);
        using var stop = new CancellationTokenSource();
        var allOpen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var opened = 0;
        void Opened()
        {
            if (Interlocked.Increment(ref opened) == clients)
            {
                allOpen.TrySetResult();
            }
        }

        var openWatch = Stopwatch.StartNew();
        var sessions = Enumerable.Range(0, clients).Select(i => i % 4 == 0
            ? RunSimpleClientAsync(i, gateway.Port, token, certificate, opening, Opened, allOpen.Task, stats, stop.Token)
            : RunExtendedClientAsync(i, gateway.Port, token, opening, Opened, allOpen.Task, stats, stop.Token)).ToList();

        await Task.WhenAny(allOpen.Task, Task.WhenAny(sessions)).WaitAsync(TimeSpan.FromMinutes(5));
        Assert.True(allOpen.Task.IsCompleted, $"sessions ended before all {clients} were open: {stats.Describe()}");
        var openTime = openWatch.Elapsed;
        var peakDescriptors = Descriptors(gateway.ProcessId);

        var samples = new List<(TimeSpan At, long Rss)>();
        var run = Stopwatch.StartNew();
        while (run.Elapsed < duration)
        {
            await Task.Delay(TimeSpan.FromSeconds(1));
            samples.Add((run.Elapsed, RssBytes(gateway.ProcessId)));
            Assert.True(stats.Errors == 0, stats.Describe());
        }

        var requestsDuringRun = stats.Requests;
        await stop.CancelAsync();
        await Task.WhenAll(sessions);

        // After every client has gone, every socket, recording file and handle of theirs must be closed again.
        var settled = await WaitForAsync(() => Descriptors(gateway.ProcessId) <= baseline, TimeSpan.FromSeconds(60));
        var after = Descriptors(gateway.ProcessId);

        var secondHalf = samples.Where(s => s.At >= duration / 2).Select(s => s.Rss).ToList();
        var early = secondHalf.Take(Math.Max(1, secondHalf.Count / 2)).Max();
        var late = secondHalf.Skip(secondHalf.Count / 2).DefaultIfEmpty(early).Max();
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{clients} sessions opened in {openTime.TotalSeconds:F1} s; {requestsDuringRun} requests in " +
            $"{duration.TotalSeconds:F0} s ({requestsDuringRun / duration.TotalSeconds:F0}/s), {stats.Rows} rows; " +
            $"errors {stats.Errors}"));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"gateway descriptors: idle {baseline}, under load {peakDescriptors}, after {after}"));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"gateway RSS: idle {idleRss / 1048576.0:F1} MiB, second half first {early / 1048576.0:F1} MiB, " +
            $"second half last {late / 1048576.0:F1} MiB, peak {samples.Max(s => s.Rss) / 1048576.0:F1} MiB"));
        output.WriteLine("gateway RSS every 10 s, MiB: " + string.Join(' ', samples
            .Where((_, i) => i % 10 == 9)
            .Select(s => (s.Rss / 1048576.0).ToString("F0", CultureInfo.InvariantCulture))));

        Assert.True(stats.Errors == 0, stats.Describe());
        Assert.True(peakDescriptors >= clients * 2, $"only {peakDescriptors} descriptors with {clients} sessions open");
        Assert.True(settled, $"the gateway holds {after} descriptors after every client left; {baseline} when idle");
        Assert.True(late <= (early * 1.25) + (32L << 20),
            $"RSS grew through the second half of the run: {early:N0} then {late:N0} bytes");
        Assert.DoesNotContain(gateway.LogLines, l => l.Contains(" fail:", StringComparison.Ordinal)
            || l.Contains(" crit:", StringComparison.Ordinal));
    }

    private static string ConnectionString(int port, string token) => new NpgsqlConnectionStringBuilder
    {
        Host = "127.0.0.1",
        Port = port,
        Username = "load",
        Password = token,
        Database = "demo",
        SslMode = SslMode.Require,
        Pooling = false,
        Timeout = 60,
        CommandTimeout = 60,
    }.ConnectionString;

    /// <summary>
    /// Npgsql: the extended protocol, a small parameterised query and now and then 500 rows. <paramref name="stop"/>
    /// ends the loop between requests; a request in flight always completes, so stopping is never an error.
    /// </summary>
    private static async Task RunExtendedClientAsync(
        int index, int port, string token, SemaphoreSlim opening, Action opened, Task allOpen, LoadStats stats,
        CancellationToken stop)
    {
        var random = new Random(index);
        try
        {
            await using var connection = new NpgsqlConnection(ConnectionString(port, token));
            await ThrottledAsync(opening, () => connection.OpenAsync(CancellationToken.None));

            opened();
            await allOpen;
            while (await NextTurnAsync(random, stop))
            {
                if (random.Next(20) == 0)
                {
                    await using var rowsCommand = new NpgsqlCommand("SELECT id, payload FROM load_rows", connection);
                    await using var reader = await rowsCommand.ExecuteReaderAsync(CancellationToken.None);
                    var rows = 0;
                    while (await reader.ReadAsync(CancellationToken.None))
                    {
                        rows++;
                    }

                    stats.Completed(rows == RowsInResult ? rows : throw new InvalidOperationException($"{rows} rows"));
                }
                else
                {
                    await using var command = new NpgsqlCommand("SELECT $1::int4 + 1", connection);
                    command.Parameters.AddWithValue(index);
                    var sum = (int)(await command.ExecuteScalarAsync(CancellationToken.None))!;
                    stats.Completed(sum == index + 1 ? 1 : throw new InvalidOperationException($"wrong sum {sum}"));
                }
            }
        }
        catch (Exception e)
        {
            stats.Failed(e);
        }
    }

    /// <summary>A raw client over TLS: the simple query protocol, one row or 500.</summary>
    private static async Task RunSimpleClientAsync(
        int index, int port, string token, string certificate, SemaphoreSlim opening, Action opened, Task allOpen,
        LoadStats stats, CancellationToken stop)
    {
        var random = new Random(index);
        RawPgClient? client = null;
        try
        {
            // Connected only once it may log in: the gateway rightly drops a connection silent past its
            // start-up timeout.
            await ThrottledAsync(opening, async () =>
            {
                client = await RawPgClient.ConnectAsync(port);
                await client.StartTlsAsync(certificate);
                await client.LoginAsync(token);
            });

            opened();
            await allOpen;
            while (await NextTurnAsync(random, stop))
            {
                var many = random.Next(20) == 0;
                await client!.SendAsync(w => PgWriter.Query(w, many ? "SELECT id, payload FROM load_rows" : "SELECT 1"));
                var answer = await client.ReadUntilReadyAsync();
                var rows = answer.Count(m => m.Type == (byte)'D');
                if (answer.Any(m => m.Type is (byte)'E' or 0) || rows != (many ? RowsInResult : 1))
                {
                    throw new InvalidOperationException($"unexpected answer: {string.Concat(answer.Select(m => (char)m.Type))}");
                }

                stats.Completed(rows);
            }

            await client!.SendAsync(PgWriter.Terminate);
        }
        catch (Exception e)
        {
            stats.Failed(e);
        }
        finally
        {
            if (client is not null)
            {
                await client.DisposeAsync();
            }
        }
    }

    /// <summary>
    /// Waits about a second (spread, so the load is steady rather than in waves): one request per second per
    /// session. False once the run is over.
    /// </summary>
    private static async Task<bool> NextTurnAsync(Random random, CancellationToken stop)
    {
        try
        {
            await Task.Delay(random.Next(500, 1500), stop);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>Logs in under <paramref name="opening"/>, so that a thousand sessions do not all start at once.</summary>
    private static async Task ThrottledAsync(SemaphoreSlim opening, Func<Task> login)
    {
        await opening.WaitAsync(CancellationToken.None);
        try
        {
            await login();
        }
        finally
        {
            opening.Release();
        }
    }

    private static int Descriptors(int processId) => Directory.GetFileSystemEntries($"/proc/{processId}/fd").Length;

    private static long RssBytes(int processId)
    {
        foreach (var line in File.ReadLines($"/proc/{processId}/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
            }
        }

        throw new InvalidOperationException("no VmRSS line");
    }

    private static long DescriptorLimit()
    {
        foreach (var line in File.ReadLines("/proc/self/limits"))
        {
            if (line.StartsWith("Max open files", StringComparison.Ordinal))
            {
                return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[3], CultureInfo.InvariantCulture);
            }
        }

        return 0;
    }

    private static async Task<bool> WaitForAsync(Func<bool> condition, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                return false;
            }

            await Task.Delay(100);
        }

        return true;
    }

    private sealed class LoadStats
    {
        private readonly List<string> _failures = [];
        private long _requests;
        private long _rows;

        public long Requests => Interlocked.Read(ref _requests);

        public long Rows => Interlocked.Read(ref _rows);

        public int Errors
        {
            get
            {
                lock (_failures)
                {
                    return _failures.Count;
                }
            }
        }

        public void Completed(int rows)
        {
            Interlocked.Increment(ref _requests);
            Interlocked.Add(ref _rows, rows);
        }

        public void Failed(Exception e)
        {
            lock (_failures)
            {
                _failures.Add(e.GetType().Name + ": " + e.Message.ReplaceLineEndings(" "));
            }
        }

        public string Describe()
        {
            lock (_failures)
            {
                return $"{_requests} requests, {_failures.Count} errors: " + string.Join("; ", _failures.Take(5));
            }
        }
    }
}
