using Sluice.EndToEnd.Cases;
using Sluice.EndToEnd.Servers;

namespace Sluice.EndToEnd.Reporting;

/// <summary>Everything one run measured, and the figures derived from it (medians over rounds, CPU per unit).</summary>
internal sealed record RunReport(
    HarnessOptions Options,
    DateTimeOffset Started,
    DateTimeOffset Finished,
    MachineDescription Machine,
    IReadOnlyList<BenchPath> Paths,
    IReadOnlyList<Sample> Samples)
{
    public IEnumerable<Sample> Of(string caseName, string path) =>
        Samples.Where(s => s.Case == caseName && s.Path == path);

    public double? MedianMegabytesPerSecond(string caseName, string path) => Median(Of(caseName, path).Select(s => s.MegabytesPerSecond));

    public double? MedianRowsPerSecond(string caseName, string path) => Median(Of(caseName, path).Select(s => s.RowsPerSecond));

    public double? MedianTps(string caseName, string path) =>
        Median(Of(caseName, path).Where(s => s.TransactionsPerSecond is not null).Select(s => s.TransactionsPerSecond!.Value));

    public double? MedianP50(string caseName, string path) =>
        Median(Of(caseName, path).Where(s => s.LatencyP50Ms is not null).Select(s => s.LatencyP50Ms!.Value));

    public double? MedianP99(string caseName, string path) =>
        Median(Of(caseName, path).Where(s => s.LatencyP99Ms is not null).Select(s => s.LatencyP99Ms!.Value));

    /// <summary>The proxy's CPU seconds per gigabyte it carried, over all rounds together.</summary>
    public double? CpuSecondsPerGigabyte(string caseName, string path)
    {
        var samples = Of(caseName, path).Where(s => s.ProxyCpuSeconds is not null).ToList();
        var bytes = samples.Sum(s => s.Bytes);
        return samples.Count == 0 || bytes == 0 ? null : samples.Sum(s => s.ProxyCpuSeconds!.Value) / (bytes / 1e9);
    }

    /// <summary>The proxy's CPU microseconds per transaction (or per connection, for the connect case).</summary>
    public double? CpuMicrosecondsPerTransaction(string caseName, string path)
    {
        var samples = Of(caseName, path).Where(s => s.ProxyCpuSeconds is not null && s.TransactionsPerSecond is not null).ToList();
        var transactions = samples.Sum(s => s.TransactionsPerSecond!.Value * s.Seconds);
        return samples.Count == 0 || transactions == 0 ? null : samples.Sum(s => s.ProxyCpuSeconds!.Value) / transactions * 1e6;
    }

    public long? PeakRssBytes(string caseName, string path) =>
        Of(caseName, path).Where(s => s.ProxyPeakRssBytes is not null).Select(s => s.ProxyPeakRssBytes!.Value).DefaultIfEmpty().Max() is var peak and > 0
            ? peak
            : null;

    public double? IdleKibPerConnection(string path) =>
        Of(IdleCase.Name, path).Select(s => s.RssPerConnectionBytes).FirstOrDefault() is { } bytes ? bytes / 1024 : null;

    public double? MedianStartupMs => Median(Samples.Where(s => s.Case == StartupCase.Name).Select(s => s.Seconds * 1000));

    public double? MedianStartupRssMiB =>
        Median(Samples.Where(s => s.Case == StartupCase.Name).Select(s => (s.ProxyPeakRssBytes ?? 0) / 1048576.0));

    /// <summary>Wire bytes of one SELECT * export (the same on every path), for the heading.</summary>
    public long ExportBytes => Samples.Where(s => s.Case == BulkCases.SelectAll).Select(s => s.Bytes).DefaultIfEmpty().Max();

    internal static double? Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        if (sorted.Length == 0)
        {
            return null;
        }

        var middle = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }
}
