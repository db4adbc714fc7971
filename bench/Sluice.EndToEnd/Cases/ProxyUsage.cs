using Sluice.EndToEnd.Servers;

namespace Sluice.EndToEnd.Cases;

/// <summary>Measures what a path's proxy process spends (CPU seconds, peak RSS) between start and stop.</summary>
internal sealed class ProxyUsage
{
    private readonly ManagedProcess? _proxy;
    private readonly double _cpuAtStart;

    private ProxyUsage(ManagedProcess? proxy)
    {
        _proxy = proxy;
        if (proxy is not null)
        {
            ProcessMeter.ResetPeak(proxy.Id);
            _cpuAtStart = ProcessMeter.CpuSeconds(proxy.Id);
        }
    }

    public static ProxyUsage Start(BenchPath path) => new(path.Proxy);

    public Sample Stop(Sample sample) => _proxy is null
        ? sample
        : sample with
        {
            ProxyCpuSeconds = ProcessMeter.CpuSeconds(_proxy.Id) - _cpuAtStart,
            ProxyPeakRssBytes = ProcessMeter.PeakRssBytes(_proxy.Id),
        };
}
