using System.Globalization;
using Sluice.IntegrationTests.Infrastructure;

namespace Sluice.IntegrationTests.Postgres;

/// <summary>Runs the real psql client non-interactively.</summary>
internal static class Psql
{
    public static async Task<(int ExitCode, string Output, string Error)> RunAsync(
        string host, int port, string user, string password, string database, string sslMode, string sql)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var result = await ProcessRunner.RunAsync(
            "psql",
            ["-X", "-v", "ON_ERROR_STOP=1", "-c", sql],
            asPostgres: false,
            ct: timeout.Token,
            environment: new Dictionary<string, string>
            {
                ["PGHOST"] = host,
                ["PGPORT"] = port.ToString(CultureInfo.InvariantCulture),
                ["PGUSER"] = user,
                ["PGPASSWORD"] = password,
                ["PGDATABASE"] = database,
                ["PGSSLMODE"] = sslMode,
                ["PGCONNECT_TIMEOUT"] = "10",
            });
        return (result.ExitCode, result.StandardOutput, result.StandardError);
    }
}
