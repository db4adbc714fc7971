using System.Globalization;
using System.Text.RegularExpressions;
using Sluice.EndToEnd.Servers;

namespace Sluice.EndToEnd.Cases;

/// <summary>
/// pgbench's select-only script at a given number of clients, and with <c>-C</c> (a new connection, login and
/// query per transaction) for the connection set-up rate. Latency percentiles come from pgbench's
/// per-transaction log.
/// </summary>
internal static partial class PgbenchCase
{
    public const string ConnectName = "connect";

    public static string Name(int clients) => $"pgbench-S-{clients}";

    public static Sample Run(
        BenchPath path, int clients, bool connectEachTransaction, int seconds, string workDirectory, int round)
    {
        var logDirectory = Directory.CreateDirectory(Path.Combine(workDirectory, "pgbench-" + Guid.NewGuid().ToString("N"))).FullName;
        try
        {
            List<string> arguments =
            [
                "-n", "-S", "-M", "simple",
                "-c", clients.ToString(CultureInfo.InvariantCulture),
                "-j", Math.Min(clients, Environment.ProcessorCount).ToString(CultureInfo.InvariantCulture),
                "-T", seconds.ToString(CultureInfo.InvariantCulture),
                "-h", "127.0.0.1", "-p", path.Endpoint.Port.ToString(CultureInfo.InvariantCulture),
                "-U", path.Endpoint.User,
            ];
            if (connectEachTransaction)
            {
                arguments.Add("-C");
            }
            else
            {
                arguments.AddRange(["-l", "--log-prefix", Path.Combine(logDirectory, "tx")]);
            }

            arguments.Add(path.Endpoint.Database);
            var usage = ProxyUsage.Start(path);
            // Plaintext on every path, as the harness's own client: libpq would otherwise negotiate TLS with the
            // one proxy that offers it and compare encryption against plain relaying.
            var environment = new Dictionary<string, string> { ["PGPASSWORD"] = path.Endpoint.Password, ["PGSSLMODE"] = "disable" };
            var output = Shell.Run("pgbench", arguments, environment);
            var tps = TpsLine().Match(output) is { Success: true } match
                ? double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture)
                : throw new InvalidOperationException($"pgbench printed no tps line:\n{output}");
            var name = connectEachTransaction ? ConnectName : Name(clients);
            var sample = new Sample(name, path.Key, round) { Seconds = seconds, TransactionsPerSecond = tps };
            if (!connectEachTransaction)
            {
                var latencies = ReadLatencies(logDirectory);
                sample = sample with
                {
                    Rows = latencies.Length,
                    LatencyP50Ms = Percentile(latencies, 0.50),
                    LatencyP99Ms = Percentile(latencies, 0.99),
                };
            }

            return usage.Stop(sample);
        }
        finally
        {
            Directory.Delete(logDirectory, recursive: true);
        }
    }

    /// <summary>Each log line: client, transaction number, latency in microseconds, script, epoch seconds, microseconds.</summary>
    private static double[] ReadLatencies(string directory)
    {
        var latencies = new List<double>();
        foreach (var file in Directory.EnumerateFiles(directory))
        {
            foreach (var line in File.ReadLines(file))
            {
                var fields = line.Split(' ');
                if (fields.Length > 2)
                {
                    latencies.Add(double.Parse(fields[2], CultureInfo.InvariantCulture) / 1000.0);
                }
            }
        }

        var sorted = latencies.ToArray();
        Array.Sort(sorted);
        return sorted.Length > 0 ? sorted : throw new InvalidOperationException("pgbench logged no transactions");
    }

    private static double Percentile(double[] sorted, double fraction) =>
        sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(fraction * sorted.Length) - 1)];

    [GeneratedRegex(@"^tps = ([0-9.]+)", RegexOptions.Multiline)]
    private static partial Regex TpsLine();
}
