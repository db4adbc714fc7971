using System.CommandLine;
using System.Diagnostics;
using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;

namespace Sluice.Host.Commands;

/// <summary><c>sluice run --config F</c>: starts the gateway and serves until SIGINT or SIGTERM.</summary>
internal static partial class RunCommand
{
    public static Command Create()
    {
        var config = CommonOptions.Config();
        var logLevel = new Option<LogLevel>("--log-level")
        {
            Description = "Least severe log level written to standard error",
            DefaultValueFactory = _ => LogLevel.Information,
        };
        var command = new Command("run", "Start the gateway") { config, logLevel };
        command.SetAction((result, cancellationToken) =>
            RunAsync(result.GetValue(config)!, result.GetValue(logLevel), cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(FileInfo configFile, LogLevel level, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var config = CommonOptions.LoadConfig(configFile);
        if (config is null)
        {
            return 2;
        }

        using var loggers = Logging.Create(level);
        var logger = loggers.CreateLogger("Sluice");
        Gateway gateway;
        try
        {
            gateway = Gateway.Start(config, loggers);
        }
        catch (Exception e) when (e is InvalidOperationException or IOException or UnauthorizedAccessException
            or System.Security.Cryptography.CryptographicException)
        {
            Log.StartFailed(logger, e.Message);
            return 1;
        }

        Log.Ready(logger, Stopwatch.GetElapsedTime(started).TotalMilliseconds, configFile.FullName);

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
        {
            context.Cancel = true;
            stop.Cancel();
        });
        try
        {
            await Task.Delay(Timeout.Infinite, stop.Token);
        }
        catch (OperationCanceledException)
        {
            Log.Stopping(logger, gateway.Services.Sessions.Count);
        }

        await gateway.DisposeAsync();
        return 0;
    }

    private static partial class Log
    {
        [LoggerMessage(10, LogLevel.Information, "ready in {Milliseconds:F1} ms with configuration {Config}")]
        public static partial void Ready(ILogger logger, double milliseconds, string config);

        [LoggerMessage(11, LogLevel.Information, "stopping: ending {Sessions} open sessions")]
        public static partial void Stopping(ILogger logger, int sessions);

        [LoggerMessage(12, LogLevel.Critical, "cannot start: {Reason}")]
        public static partial void StartFailed(ILogger logger, string reason);
    }
}
