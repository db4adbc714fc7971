using Sluice.IntegrationTests.Infrastructure;

namespace Sluice.IntegrationTests.Cli;

/// <summary>Runs the sluice command line as a separate process, the way an operator does.</summary>
internal static class SluiceCli
{
    public static async Task<(int ExitCode, string Output, string Error)> RunAsync(params string[] arguments)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var result = await ProcessRunner.RunAsync(
            "dotnet",
            ["exec", Path.Combine(AppContext.BaseDirectory, "sluice.dll"), .. arguments],
            asPostgres: false,
            ct: timeout.Token);
        return (result.ExitCode, result.StandardOutput, result.StandardError);
    }
}
