using System.Diagnostics;

namespace Sluice.IntegrationTests.Postgres;

/// <summary>Runs the real psql client non-interactively.</summary>
internal static class Psql
{
    public static async Task<(int ExitCode, string Output, string Error)> RunAsync(
        string host, int port, string user, string password, string database, string sslMode, string sql)
    {
        var start = new ProcessStartInfo("psql")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { "-X", "-v", "ON_ERROR_STOP=1", "-c", sql })
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["PGHOST"] = host;
        start.Environment["PGPORT"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        start.Environment["PGUSER"] = user;
        start.Environment["PGPASSWORD"] = password;
        start.Environment["PGDATABASE"] = database;
        start.Environment["PGSSLMODE"] = sslMode;
        start.Environment["PGCONNECT_TIMEOUT"] = "10";

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await output, await error);
    }
}
