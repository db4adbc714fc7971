using Sluice.EndToEnd.Client;

namespace Sluice.EndToEnd.Servers;

/// <summary>
/// One way to reach the database: directly or through a proxy. <see cref="Proxy"/> is the process whose CPU and
/// memory are charged to the path (none for the direct connection).
/// </summary>
internal sealed record BenchPath(string Key, string Label, Endpoint Endpoint, ManagedProcess? Proxy)
{
    public bool IsSluice => Key.StartsWith("sluice", StringComparison.Ordinal);
}
