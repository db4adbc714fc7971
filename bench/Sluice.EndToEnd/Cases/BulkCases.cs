using System.Diagnostics;
using Sluice.EndToEnd.Client;
using Sluice.EndToEnd.Servers;

namespace Sluice.EndToEnd.Cases;

/// <summary>Bulk export (COPY TO STDOUT, SELECT *) and bulk import (COPY FROM STDIN), timed from request to ReadyForQuery.</summary>
internal static class BulkCases
{
    public const string CopyOut = "export-copy";
    public const string SelectAll = "export-select";
    public const string CopyIn = "import-copy";

    public static async Task<Sample> ExportAsync(
        string name, string sql, long expectedRows, BenchPath path, int round, CancellationToken cancellationToken)
    {
        using var client = await WireClient.ConnectAsync(path.Endpoint, cancellationToken);
        var usage = ProxyUsage.Start(path);
        var clock = Stopwatch.StartNew();
        var drained = await client.DrainAsync(sql, cancellationToken);
        var seconds = clock.Elapsed.TotalSeconds;
        if (drained.Rows != expectedRows)
        {
            throw new WireClientException($"{path.Key} delivered {drained.Rows} rows of {expectedRows} for {sql}");
        }

        return usage.Stop(new Sample(name, path.Key, round) { Seconds = seconds, Bytes = drained.Bytes, Rows = drained.Rows });
    }

    public static async Task<Sample> ImportAsync(
        BenchPath path, PostgresCluster cluster, IReadOnlyList<byte[]> data, long rows, int round, CancellationToken cancellationToken)
    {
        using (var owner = await WireClient.ConnectAsync(cluster.Endpoint, cancellationToken))
        {
            await owner.ExecuteAsync("TRUNCATE people_import", cancellationToken);
        }

        using var client = await WireClient.ConnectAsync(path.Endpoint, cancellationToken);
        var usage = ProxyUsage.Start(path);
        var clock = Stopwatch.StartNew();
        var imported = await client.ImportAsync("COPY people_import FROM STDIN", data, cancellationToken);
        var seconds = clock.Elapsed.TotalSeconds;
        if (imported.Rows != rows)
        {
            throw new WireClientException($"{path.Key} stored {imported.Rows} rows of the {rows} sent");
        }

        return usage.Stop(new Sample(CopyIn, path.Key, round) { Seconds = seconds, Bytes = imported.Bytes, Rows = imported.Rows });
    }
}
