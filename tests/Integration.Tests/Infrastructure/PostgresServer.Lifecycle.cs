using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Sluice.IntegrationTests.Infrastructure;

/// <summary>Starting on a free port, stopping, and cleaning up after a test host that never disposed.</summary>
public sealed partial class PostgresServer
{
    private const int LogTailLines = 40;

    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(10);

    // Runs detached (own session, no inherited stdio) so it outlives a killed test host and then stops the server.
    private const string WatchdogScript =
        """
        exec </dev/null >/dev/null 2>&1
        while kill -0 "$1" 2>/dev/null; do sleep 1; done
        if [ "$(id -u)" = 0 ]; then
          runuser -u postgres -- "$2" stop -D "$3" -m immediate -w
        else
          "$2" stop -D "$3" -m immediate -w
        fi
        rm -rf -- "$4"
        """;

    private async Task StartOnFreePortAsync(CancellationToken ct)
    {
        for (int attempt = 1; ; attempt++)
        {
            int port = FindFreePort();
            string[] arguments =
            [
                "start", "-D", DataDirectory, "-l", LogFile, "-w",
                "-t", ((int)Math.Ceiling(_options.StartTimeout.TotalSeconds)).ToString(CultureInfo.InvariantCulture),
                "-o", "-p " + port.ToString(CultureInfo.InvariantCulture),
            ];

            // pg_ctl -w polls postmaster.pid until the server reports it is ready for connections.
            ProcessResult result = await ProcessRunner.RunAsync(Binary("pg_ctl"), arguments, true, null, ct: ct);
            if (result.Succeeded)
            {
                Port = port;
                ProcessId = ReadPostmasterPid();
                await WaitForTcpReadinessAsync(ct);
                return;
            }

            // A slow start may leave a server behind even though pg_ctl gave up on it.
            StopServer();
            string log = ReadLogTail();
            bool portTaken = log.Contains("could not bind", StringComparison.Ordinal)
                || log.Contains("Address already in use", StringComparison.Ordinal);
            if (!portTaken || attempt >= _options.PortAttempts)
            {
                throw new InvalidOperationException(
                    $"PostgreSQL did not start on 127.0.0.1:{port} (attempt {attempt}): " +
                    $"{result.StandardError.Trim()}\n--- server log tail ({LogFile}) ---\n{log}");
            }
        }
    }

    private async Task WaitForTcpReadinessAsync(CancellationToken ct)
    {
        string[] arguments = ["-h", Host, "-p", Port.ToString(CultureInfo.InvariantCulture), "-t", "10"];
        ProcessResult result = await ProcessRunner.RunAsync(Binary("pg_isready"), arguments, false, null, ct: ct);
        if (!result.Succeeded)
        {
            throw new InvalidOperationException(
                $"PostgreSQL started but 127.0.0.1:{Port} is not ready: {result.StandardOutput.Trim()}\n" +
                $"--- server log tail ({LogFile}) ---\n{ReadLogTail()}");
        }
    }

    private static int FindFreePort()
    {
        // Bound but never listening, so closing it leaves no TIME_WAIT; a race with another process is handled
        // by retrying with a new port when the server cannot bind.
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)socket.LocalEndPoint!).Port;
    }

    private int ReadPostmasterPid()
    {
        string firstLine = File.ReadLines(Path.Combine(DataDirectory, "postmaster.pid")).First();
        return int.Parse(firstLine, NumberStyles.None, CultureInfo.InvariantCulture);
    }

    private string ReadLogTail()
    {
        try
        {
            string[] lines = File.ReadAllLines(LogFile);
            return string.Join('\n', lines.Skip(Math.Max(0, lines.Length - LogTailLines)));
        }
        catch (IOException exception)
        {
            return $"(log unreadable: {exception.Message})";
        }
    }

    private void StartWatchdog()
    {
        var info = ProcessRunner.CreateStartInfo(
            "setsid",
            [
                "sh", "-c", WatchdogScript, "sluice-pg-watchdog",
                Environment.ProcessId.ToString(CultureInfo.InvariantCulture), Binary("pg_ctl"), DataDirectory,
                RootDirectory,
            ],
            asPostgres: false);
        _watchdog = Process.Start(info);
        _watchdog?.StandardInput.Close();
    }

    private void StopAndDelete()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        LiveServers.TryRemove(this, out _);
        StopWatchdog();
        StopServer();
        DeleteRootDirectory();
    }

    private void StopWatchdog()
    {
        if (_watchdog is null)
        {
            return;
        }

        try
        {
            _watchdog.Kill(entireProcessTree: true);
            _watchdog.WaitForExit(StopTimeout);
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }

        _watchdog.Dispose();
        _watchdog = null;
    }

    private void StopServer()
    {
        if (File.Exists(Path.Combine(DataDirectory, "postmaster.pid")))
        {
            ProcessRunner.Run(
                Binary("pg_ctl"), ["stop", "-D", DataDirectory, "-m", "immediate", "-w"], true, StopTimeout);
        }

        if (ProcessId > 0 && IsProcessAlive(ProcessId))
        {
            // pg_ctl could not do it (no pid file, or it timed out): kill the postmaster outright; its backends
            // notice the postmaster's death and exit by themselves.
            try
            {
                using var postmaster = Process.GetProcessById(ProcessId);
                postmaster.Kill();
            }
            catch (ArgumentException)
            {
                // Exited in the meantime.
            }
        }

        var deadline = Stopwatch.StartNew();
        while (ProcessId > 0 && IsProcessAlive(ProcessId) && deadline.Elapsed < StopTimeout)
        {
            Thread.Sleep(20);
        }
    }

    private void DeleteRootDirectory()
    {
        // Backends in their last milliseconds may still remove files of their own; retry briefly.
        for (int attempt = 0; attempt < 50 && Directory.Exists(RootDirectory); attempt++)
        {
            try
            {
                Directory.Delete(RootDirectory, recursive: true);
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
            {
                Thread.Sleep(50);
            }
        }
    }

    /// <summary>True while the process exists and is not a zombie waiting to be reaped.</summary>
    internal static bool IsProcessAlive(int pid)
    {
        try
        {
            string stat = File.ReadAllText($"/proc/{pid}/stat");
            int afterName = stat.LastIndexOf(')');
            return afterName < 0 || afterName + 2 >= stat.Length || stat[afterName + 2] != 'Z';
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    private static void StopAllOnExit()
    {
        foreach (PostgresServer server in LiveServers.Keys)
        {
            try
            {
                server.StopAndDelete();
            }
            catch (Exception exception) when (exception is IOException or InvalidOperationException)
            {
                // Best effort at process exit; the watchdog is the second line.
            }
        }
    }
}
