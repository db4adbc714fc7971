using System.Diagnostics;
using System.Net.Sockets;
using Sluice.EndToEnd.Servers;

namespace Sluice.EndToEnd.Cases;

/// <summary>
/// The native binary's start: from exec to the first accepted TCP connection, and its resident memory a second
/// later with nothing connected. Repeated, with the median reported.
/// </summary>
internal static class StartupCase
{
    public const string Name = "startup";

    public static async Task<Sample> RunAsync(string binary, string configPath, int port, int round, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        using var process = ManagedProcess.Start("sluice-startup", configPath + ".startup.log", [binary, "run", "--config", configPath]);
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (process.HasExited)
            {
                throw new InvalidOperationException($"sluice exited during start:\n{ManagedProcess.Tail(process.LogPath)}");
            }

            using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
            try
            {
                socket.Connect("127.0.0.1", port);
                break;
            }
            catch (SocketException)
            {
                if (clock.Elapsed > TimeSpan.FromSeconds(15))
                {
                    throw new TimeoutException("sluice did not listen within 15 s");
                }

                Thread.Sleep(1);
            }
        }

        var listening = clock.Elapsed.TotalSeconds;
        await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
        return new Sample(Name, "sluice-relay", round)
        {
            Seconds = listening,
            ProxyPeakRssBytes = ProcessMeter.RssBytes(process.Id),
        };
    }
}
