using System.Globalization;
using System.Text.Json;
using Sluice.EndToEnd.Cases;

namespace Sluice.EndToEnd.Reporting;

/// <summary>The product's published speed targets, judged against one run.</summary>
internal static class Targets
{
    private const string Relay = "sluice-relay";
    private const string Masking = "sluice-mask";

    public static IEnumerable<Target> Evaluate(RunReport report)
    {
        foreach (var (caseName, label) in new[] { (BulkCases.SelectAll, "`SELECT *`"), (BulkCases.CopyOut, "`COPY TO STDOUT`") })
        {
            yield return AtLeast(report, $"{label} through Sluice (relay, default recording) ≥ 0.95× haproxy", caseName, Relay, 0.95);
            yield return AtLeast(report, $"{label} through Sluice with masking of 3 columns ≥ 0.85× haproxy", caseName, Masking, 0.85);
            var sluiceCpu = report.CpuSecondsPerGigabyte(caseName, Relay);
            var bouncerCpu = report.CpuSecondsPerGigabyte(caseName, "pgbouncer");
            yield return new Target(
                $"{label}: Sluice's CPU per GB ≤ pgbouncer's",
                sluiceCpu is null || bouncerCpu is null ? "not measured" : F($"{sluiceCpu:F2} vs {bouncerCpu:F2} s/GB"),
                sluiceCpu is null || bouncerCpu is null ? null : sluiceCpu <= bouncerCpu);
        }

        foreach (var clients in report.Options.Clients)
        {
            var name = PgbenchCase.Name(clients);
            var sluice = report.MedianTps(name, Relay);
            var bouncer = report.MedianTps(name, "pgbouncer");
            yield return new Target(
                F($"`pgbench -S` at {clients} client{(clients == 1 ? "" : "s")}: Sluice ≥ pgbouncer (session)"),
                sluice is null || bouncer is null ? "not measured" : F($"{sluice:F0} vs {bouncer:F0} TPS ({sluice / bouncer:F2}×)"),
                sluice is null || bouncer is null ? null : sluice >= bouncer);
        }

        yield return AllocationPerRow(report.Options.Repository);

        var idle = report.IdleKibPerConnection(Relay);
        yield return new Target(
            "RSS per idle connection ≤ 64 KiB",
            idle is null ? "not measured" : F($"{idle:F1} KiB"),
            idle is null ? null : idle <= 64);
        var startup = report.MedianStartupMs;
        yield return new Target(
            "native binary listening ≤ 50 ms after start",
            startup is null ? "not measured" : F($"{startup:F1} ms (median of {report.Options.Starts})"),
            startup is null ? null : startup <= 50);
        var rss = report.MedianStartupRssMiB;
        yield return new Target(
            "idle RSS of the native binary < 40 MB",
            rss is null ? "not measured" : F($"{rss * 1.048576:F1} MB"),
            rss is null ? null : rss * 1.048576 < 40);
    }

    private static Target AtLeast(RunReport report, string description, string caseName, string path, double ratio)
    {
        var sluice = report.MedianMegabytesPerSecond(caseName, path);
        var haproxy = report.MedianMegabytesPerSecond(caseName, "haproxy");
        return sluice is null || haproxy is not > 0
            ? new Target(description, "not measured", null)
            : new Target(description, F($"{sluice / haproxy:F2}× ({sluice:F0} vs {haproxy:F0} MB/s)"), sluice / haproxy >= ratio);
    }

    /// <summary>
    /// Row allocations are measured by the micro benchmarks (exactly, per thread), not here: the relay and masked
    /// relay allocate a fixed amount per 10,000-row result, checked by the test suite against the budget file.
    /// </summary>
    private static Target AllocationPerRow(string repository)
    {
        const int RowsPerResult = 10_000;
        var path = Path.Combine(repository, "bench", "allocation-budget.json");
        if (!File.Exists(path))
        {
            return new Target("0 B allocated per relayed or masked row", "bench/allocation-budget.json missing", null);
        }

        using var budget = JsonDocument.Parse(File.ReadAllText(path));
        var perResult = budget.RootElement.EnumerateObject()
            .Where(p => p.Name.StartsWith("PgRelayBenchmarks.RelayResult", StringComparison.Ordinal)
                || p.Name.StartsWith("PgMaskedRelayBenchmarks.RelayResult", StringComparison.Ordinal))
            .Select(p => p.Value.GetInt64())
            .DefaultIfEmpty(-1)
            .Max();
        return perResult < 0
            ? new Target("0 B allocated per relayed or masked row", "no relay entries in the budget", null)
            : new Target(
                "0 B allocated per relayed or masked row",
                F($"at most {perResult} B per {RowsPerResult:N0}-row result, none per row (micro benchmarks)"),
                perResult < RowsPerResult);
    }

    private static string F(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
