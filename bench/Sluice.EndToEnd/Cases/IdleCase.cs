using Sluice.EndToEnd.Client;
using Sluice.EndToEnd.Servers;

namespace Sluice.EndToEnd.Cases;

/// <summary>
/// Memory per idle connection: the proxy's resident memory with many logged-in, idle clients, less its resident
/// memory before they connected, divided by their number.
/// </summary>
internal static class IdleCase
{
    public const string Name = "idle-rss";

    public static async Task<Sample> RunAsync(
        BenchPath path, PostgresCluster cluster, int connections, CancellationToken cancellationToken)
    {
        var proxy = path.Proxy ?? throw new ArgumentException("the direct path has no proxy to weigh", nameof(path));
        var before = ProcessMeter.RssBytes(proxy.Id);
        var clients = new List<WireClient>(connections);
        try
        {
            // A few at a time: the logins are what takes long (SCRAM), not the sockets.
            using var gate = new SemaphoreSlim(8);
            var opening = Enumerable.Range(0, connections).Select(async _ =>
            {
                await gate.WaitAsync(cancellationToken);
                try
                {
                    var client = await WireClient.ConnectAsync(path.Endpoint, cancellationToken);
                    lock (clients)
                    {
                        clients.Add(client);
                    }
                }
                finally
                {
                    gate.Release();
                }
            });
            await Task.WhenAll(opening);
            await Task.Delay(TimeSpan.FromSeconds(2), cancellationToken);
            var after = ProcessMeter.RssBytes(proxy.Id);
            return new Sample(Name, path.Key, 1)
            {
                Rows = connections,
                RssPerConnectionBytes = (after - before) / (double)connections,
                ProxyPeakRssBytes = after,
            };
        }
        finally
        {
            foreach (var client in clients)
            {
                client.Dispose();
            }

            await WaitForBackendsToLeaveAsync(cluster, cancellationToken);
        }
    }

    /// <summary>The next path needs the server's connection slots these clients held (pgbouncer lets go after 2 s idle).</summary>
    private static async Task WaitForBackendsToLeaveAsync(PostgresCluster cluster, CancellationToken cancellationToken)
    {
        for (var attempt = 0; attempt < 120; attempt++)
        {
            if (cluster.BackendCount() <= 8)
            {
                return;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(500), cancellationToken);
        }

        throw new TimeoutException("server connections of the idle clients did not close within a minute");
    }
}
