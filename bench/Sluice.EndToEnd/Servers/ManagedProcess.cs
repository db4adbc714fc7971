using System.Diagnostics;
using System.Net.Sockets;

namespace Sluice.EndToEnd.Servers;

/// <summary>
/// A server process the harness started: its output goes to a log file (through <c>exec</c>, so the process id
/// is the server's own and its CPU time and memory can be read from /proc), and it is stopped when disposed.
/// </summary>
internal sealed class ManagedProcess : IDisposable
{
    private readonly Process _process;

    private ManagedProcess(string name, Process process, string logPath)
    {
        Name = name;
        _process = process;
        LogPath = logPath;
    }

    public string Name { get; }

    public int Id => _process.Id;

    public string LogPath { get; }

    public bool HasExited => _process.HasExited;

    /// <summary>Starts <paramref name="command"/> with its output appended to <paramref name="logPath"/>.</summary>
    public static ManagedProcess Start(
        string name, string logPath, IReadOnlyList<string> command, IReadOnlyDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo("/bin/sh") { UseShellExecute = false };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add("exec \"$@\" >>\"$SLUICE_BENCH_LOG\" 2>&1 </dev/null");
        start.ArgumentList.Add("sh");
        foreach (var argument in command)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["SLUICE_BENCH_LOG"] = logPath;
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {name}");
        return new ManagedProcess(name, process, logPath);
    }

    /// <summary>Waits until the process accepts TCP connections on the port, or explains why it did not.</summary>
    public async Task WaitForPortAsync(int port, TimeSpan timeout)
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < timeout)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException(
                    $"{Name} exited with code {_process.ExitCode} before listening on {port}:\n{Tail(LogPath)}");
            }

            using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
            try
            {
                await socket.ConnectAsync("127.0.0.1", port);
                return;
            }
            catch (SocketException)
            {
                await Task.Delay(50);
            }
        }

        throw new TimeoutException($"{Name} did not listen on {port} within {timeout.TotalSeconds:F0} s:\n{Tail(LogPath)}");
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            // SIGTERM first, so servers shut down cleanly; then insist.
            using (var term = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
            {
                term.WaitForExit();
            }

            if (!_process.WaitForExit(10_000))
            {
                _process.Kill();
                _process.WaitForExit();
            }
        }

        _process.Dispose();
    }

    internal static string Tail(string path, int lines = 20)
    {
        if (!File.Exists(path))
        {
            return "(no log)";
        }

        var all = File.ReadAllLines(path);
        return string.Join('\n', all.Skip(Math.Max(0, all.Length - lines)));
    }
}
