using Sluice.EndToEnd.Client;
using Sluice.EndToEnd.Servers;

namespace Sluice.EndToEnd.Cases;

/// <summary>
/// Before anything is timed: proves each gateway configuration does what its label says, so a fast figure cannot
/// come from masking or guardrails that silently did nothing. Masking paths must change the three protected
/// columns of a row and leave the others alone; the guardrail path must refuse DDL.
/// </summary>
internal static class ConfigurationCheck
{
    private const string Probe = "SELECT full_name, email, phone, ssn FROM people WHERE id = 7";

    public static async Task VerifyAsync(IReadOnlyList<BenchPath> paths, PostgresCluster cluster, CancellationToken cancellationToken)
    {
        var truth = await ReadRowAsync(cluster.Endpoint, cancellationToken);
        foreach (var path in paths)
        {
            var seen = await ReadRowAsync(path.Endpoint, cancellationToken);
            var masks = path.Key is "sluice-mask" or "sluice-guard";
            if (seen[0] != truth[0])
            {
                throw new InvalidOperationException($"{path.Key} changed an unprotected column: {seen[0]} instead of {truth[0]}");
            }

            for (var column = 1; column < truth.Length; column++)
            {
                if ((seen[column] != truth[column]) != masks)
                {
                    throw new InvalidOperationException(masks
                        ? $"{path.Key} did not mask column {column} of the probe row: {seen[column]}"
                        : $"{path.Key} changed column {column} of the probe row: {seen[column]}");
                }
            }

            if (path.Key == "sluice-guard")
            {
                using var client = await WireClient.ConnectAsync(path.Endpoint, cancellationToken);
                try
                {
                    await client.ExecuteAsync("CREATE TABLE guardrail_probe (id int)", cancellationToken);
                    throw new InvalidOperationException($"{path.Key} let DDL through; its guardrails are not active");
                }
                catch (WireClientException refused) when (refused.Message.Contains("42501", StringComparison.Ordinal))
                {
                    // Refused, as configured.
                }
            }
        }
    }

    private static async Task<string[]> ReadRowAsync(Endpoint endpoint, CancellationToken cancellationToken)
    {
        using var client = await WireClient.ConnectAsync(endpoint, cancellationToken);
        return await client.ReadTextRowAsync(Probe, cancellationToken);
    }
}
