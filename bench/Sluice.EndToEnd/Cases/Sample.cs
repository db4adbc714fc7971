namespace Sluice.EndToEnd.Cases;

/// <summary>
/// One measurement of one case on one path in one round. Throughput cases fill bytes and rows; pgbench cases fill
/// transactions per second and latencies; the idle case fills <see cref="RssPerConnectionBytes"/>.
/// </summary>
internal sealed record Sample(string Case, string Path, int Round)
{
    public double Seconds { get; init; }

    public long Bytes { get; init; }

    public long Rows { get; init; }

    public double? TransactionsPerSecond { get; init; }

    public double? LatencyP50Ms { get; init; }

    public double? LatencyP99Ms { get; init; }

    public double? RssPerConnectionBytes { get; init; }

    /// <summary>CPU seconds the path's proxy spent during the case (null for the direct path).</summary>
    public double? ProxyCpuSeconds { get; init; }

    /// <summary>The proxy's peak resident memory during the case.</summary>
    public long? ProxyPeakRssBytes { get; init; }

    public double MegabytesPerSecond => Seconds > 0 ? Bytes / Seconds / 1e6 : 0;

    public double RowsPerSecond => Seconds > 0 ? Rows / Seconds : 0;
}
