using Sluice.EndToEnd.Cases;
using Sluice.EndToEnd.Client;
using Sluice.EndToEnd.Reporting;
using Sluice.EndToEnd.Servers;

namespace Sluice.EndToEnd;

/// <summary>
/// Starts every path to one PostgreSQL and measures them case by case, rotating the order of the paths each
/// round so that no path always runs first (on a warm cache) or last (after the others heated the machine).
/// </summary>
internal sealed class Harness(HarnessOptions options, TextWriter progress)
{
    private readonly List<Sample> _samples = [];

    public async Task<RunReport> RunAsync(CancellationToken cancellationToken)
    {
        var work = options.WorkDirectory ?? Directory.CreateTempSubdirectory("sluice-e2e-").FullName;
        Directory.CreateDirectory(work);
        // The server runs as the postgres user and must reach its cluster directory below this one.
        File.SetUnixFileMode(work, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
            | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute);
        var started = DateTimeOffset.UtcNow;
        var processes = new List<IDisposable>();
        PostgresCluster? cluster = null;
        try
        {
            Say($"work directory {work}");
            Say("starting PostgreSQL");
            cluster = PostgresCluster.Start(options.Repository, Path.Combine(work, "pg"), options.IdleConnections + 150);
            Say($"generating {options.Rows:N0} rows of people and pgbench scale {options.PgbenchScale}");
            cluster.Load(options.Rows, options.PgbenchScale);

            var paths = await StartPathsAsync(work, cluster, processes);
            await ConfigurationCheck.VerifyAsync(paths, cluster, cancellationToken);
            Say("checked: the masking paths mask the three columns, the guardrail path refuses DDL");
            await MeasureStartupAsync(work, cluster, cancellationToken);
            await MeasureRoundsAsync(paths, cluster, work, cancellationToken);

            // Idle connections on freshly started proxies: in a process that has already carried bulk results,
            // new connections would reuse memory those freed and hide their own cost.
            StopAll(processes);
            var fresh = await StartPathsAsync(work, cluster, processes);
            foreach (var path in fresh.Where(p => p.Proxy is not null))
            {
                var idle = await IdleCase.RunAsync(path, cluster, options.IdleConnections, cancellationToken);
                Record(idle, $"{idle.RssPerConnectionBytes / 1024:F1} KiB per idle connection");
            }

            return new RunReport(options, started, DateTimeOffset.UtcNow, MachineDescription.Read(), paths, _samples);
        }
        finally
        {
            StopAll(processes);
            cluster?.Dispose();
            if (!options.KeepWorkDirectory)
            {
                Directory.Delete(work, recursive: true);
            }
        }
    }

    private async Task<List<BenchPath>> StartPathsAsync(string work, PostgresCluster cluster, List<IDisposable> processes)
    {
        var pgbouncer = await Pgbouncer.StartAsync(work, cluster, options.IdleConnections);
        processes.Add(pgbouncer.Proxy!);
        var haproxy = await Haproxy.StartAsync(work, cluster, options.IdleConnections);
        processes.Add(haproxy.Proxy!);
        List<BenchPath> paths = [new BenchPath("direct", "direct", cluster.Endpoint, null), pgbouncer, haproxy];
        foreach (var variant in Enum.GetValues<SluiceVariant>())
        {
            var sluice = await SluiceGateway.StartAsync(options.SluiceBinary, work, cluster, variant);
            processes.Add(sluice.Proxy!);
            paths.Add(sluice);
        }

        return paths;
    }

    private static void StopAll(List<IDisposable> processes)
    {
        foreach (var process in Enumerable.Reverse(processes))
        {
            process.Dispose();
        }

        processes.Clear();
    }

    private async Task MeasureStartupAsync(string work, PostgresCluster cluster, CancellationToken cancellationToken)
    {
        for (var start = 1; start <= options.Starts; start++)
        {
            var port = Shell.FreePort();
            var config = SluiceGateway.WriteConfiguration(
                options.SluiceBinary, Path.Combine(work, "sluice-startup"), cluster, SluiceVariant.Relay, port);
            var sample = await StartupCase.RunAsync(options.SluiceBinary, config, port, start, cancellationToken);
            Record(sample, $"listening after {sample.Seconds * 1000:F1} ms, {sample.ProxyPeakRssBytes / 1048576.0:F1} MiB idle");
        }
    }

    private async Task MeasureRoundsAsync(
        List<BenchPath> paths, PostgresCluster cluster, string work, CancellationToken cancellationToken)
    {
        // Once untimed: loads the table into shared buffers so the first path measured is not the only cold one.
        using (var warm = await WireClient.ConnectAsync(cluster.Endpoint, cancellationToken))
        {
            await warm.DrainAsync("COPY people TO STDOUT", cancellationToken);
        }

        List<byte[]> importData;
        using (var capture = await WireClient.ConnectAsync(cluster.Endpoint, cancellationToken))
        {
            importData = await capture.CaptureCopyAsync(
                $"COPY (SELECT * FROM people WHERE id <= {options.ImportRows}) TO STDOUT", 64 * 1024, cancellationToken);
        }

        var importRows = Math.Min(options.ImportRows, options.Rows);
        for (var round = 1; round <= options.Rounds; round++)
        {
            var order = paths.Skip(round - 1).Concat(paths.Take(round - 1)).ToList();
            Say($"round {round} of {options.Rounds}: {string.Join(", ", order.Select(p => p.Key))}");
            foreach (var path in order)
            {
                Record(await BulkCases.ExportAsync(BulkCases.CopyOut, "COPY people TO STDOUT", options.Rows, path, round, cancellationToken));
            }

            foreach (var path in order)
            {
                Record(await BulkCases.ExportAsync(BulkCases.SelectAll, "SELECT * FROM people", options.Rows, path, round, cancellationToken));
            }

            foreach (var path in order)
            {
                Record(await BulkCases.ImportAsync(path, cluster, importData, importRows, round, cancellationToken));
            }

            foreach (var clients in options.Clients)
            {
                foreach (var path in order)
                {
                    Record(PgbenchCase.Run(path, clients, connectEachTransaction: false, options.Seconds, work, round));
                }
            }

            foreach (var path in order)
            {
                Record(PgbenchCase.Run(path, options.ConnectClients, connectEachTransaction: true, options.Seconds, work, round));
            }
        }
    }

    private void Record(Sample sample, string? detail = null)
    {
        _samples.Add(sample);
        detail ??= sample.TransactionsPerSecond is { } tps
            ? $"{tps:F0} tps" + (sample.LatencyP99Ms is { } p99 ? $", p50 {sample.LatencyP50Ms:F3} ms, p99 {p99:F3} ms" : "")
            : $"{sample.MegabytesPerSecond:F1} MB/s, {sample.RowsPerSecond:F0} rows/s";
        var cpu = sample.ProxyCpuSeconds is { } seconds ? $", proxy CPU {seconds:F2} s" : "";
        Say($"  {sample.Case,-14} {sample.Path,-13} {detail}{cpu}");
    }

    private void Say(string line) => progress.WriteLine($"[{DateTime.Now:HH:mm:ss}] {line}");
}
