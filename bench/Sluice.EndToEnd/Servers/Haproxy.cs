using System.Globalization;
using Sluice.EndToEnd.Client;

namespace Sluice.EndToEnd.Servers;

/// <summary>haproxy in TCP mode: the cost of relaying bytes without understanding them.</summary>
internal static class Haproxy
{
    public static async Task<BenchPath> StartAsync(string workDirectory, PostgresCluster cluster, int maxClients)
    {
        var port = Shell.FreePort();
        var config = Path.Combine(workDirectory, "haproxy.cfg");
        File.WriteAllText(config, string.Create(CultureInfo.InvariantCulture, $"""
            global
                maxconn {2 * maxClients + 200}

            defaults
                mode tcp
                timeout connect 5s
                timeout client 1h
                timeout server 1h

            listen postgres
                bind 127.0.0.1:{port}
                server postgres 127.0.0.1:{cluster.Port}

            """));
        var process = ManagedProcess.Start("haproxy", Path.Combine(workDirectory, "haproxy.log"), ["haproxy", "-db", "-f", config]);
        await process.WaitForPortAsync(port, TimeSpan.FromSeconds(15));
        return new BenchPath("haproxy", "haproxy (tcp)",
            new Endpoint(port, PostgresCluster.Role, cluster.Password, PostgresCluster.Database), process);
    }
}
