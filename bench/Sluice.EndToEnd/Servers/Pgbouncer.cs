using System.Globalization;
using Sluice.EndToEnd.Client;

namespace Sluice.EndToEnd.Servers;

/// <summary>pgbouncer in session mode with SCRAM logins: one server connection per client, as Sluice has.</summary>
internal static class Pgbouncer
{
    public static async Task<BenchPath> StartAsync(string workDirectory, PostgresCluster cluster, int maxClients)
    {
        var directory = Path.Combine(workDirectory, "pgbouncer");
        System.IO.Directory.CreateDirectory(directory);
        var port = Shell.FreePort();
        File.WriteAllText(Path.Combine(directory, "userlist.txt"), $"\"{PostgresCluster.Role}\" \"{cluster.Password}\"\n");
        var config = Path.Combine(directory, "pgbouncer.ini");
        File.WriteAllText(config, string.Create(CultureInfo.InvariantCulture, $"""
            [databases]
            {PostgresCluster.Database} = host=127.0.0.1 port={cluster.Port} dbname={PostgresCluster.Database}

            [pgbouncer]
            listen_addr = 127.0.0.1
            listen_port = {port}
            unix_socket_dir =
            auth_type = scram-sha-256
            auth_file = {directory}/userlist.txt
            pool_mode = session
            max_client_conn = {maxClients + 100}
            default_pool_size = {maxClients + 50}
            max_db_connections = 0
            server_idle_timeout = 2
            server_check_delay = 30
            log_connections = 0
            log_disconnections = 0
            pidfile = {directory}/pgbouncer.pid

            """));

        // pgbouncer refuses to run as root; setpriv changes user and then execs it, keeping the process id.
        List<string> command = Shell.IsRoot
            ? ["setpriv", "--reuid=postgres", "--regid=postgres", "--init-groups", "pgbouncer", config]
            : ["pgbouncer", config];
        if (Shell.IsRoot)
        {
            Shell.Run("chown", ["-R", "postgres:postgres", directory]);
        }

        var process = ManagedProcess.Start("pgbouncer", Path.Combine(workDirectory, "pgbouncer.log"), command);
        await process.WaitForPortAsync(port, TimeSpan.FromSeconds(15));
        return new BenchPath("pgbouncer", "pgbouncer (session)",
            new Endpoint(port, PostgresCluster.Role, cluster.Password, PostgresCluster.Database), process);
    }
}
