using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Sluice.IntegrationTests.Infrastructure;

namespace Sluice.IntegrationTests.Native;

/// <summary>
/// The published native <c>sluice</c> binary running as its own process, as users run it. ./test.sh
/// publishes it first and names it in SLUICE_NATIVE_BINARY; without one, these tests are skipped.
/// </summary>
internal sealed partial class NativeGateway : IAsyncDisposable
{
    private readonly Process _process;
    private readonly List<string> _log;

    private NativeGateway(Process process, List<string> log, string binary, string directory, string configPath, int port)
    {
        _process = process;
        _log = log;
        Binary = binary;
        Directory = directory;
        ConfigPath = configPath;
        Port = port;
    }

    public string Binary { get; }

    public string Directory { get; }

    public string ConfigPath { get; }

    public int Port { get; }

    public string RecordingsDirectory => Path.Combine(Directory, "data", "recordings");

    public static string? FindBinary()
    {
        var configured = Environment.GetEnvironmentVariable("SLUICE_NATIVE_BINARY");
        if (!string.IsNullOrEmpty(configured))
        {
            return File.Exists(configured)
                ? configured
                : throw new FileNotFoundException($"SLUICE_NATIVE_BINARY names {configured}, which does not exist");
        }

        try
        {
            return RepositoryPaths.Find("publish/linux-x64/sluice");
        }
        catch (FileNotFoundException)
        {
            return null;
        }
    }

    /// <summary>The gateway's process id, to read its descriptors and memory under /proc.</summary>
    public int ProcessId => _process.Id;

    /// <summary>What the gateway has written to standard error so far.</summary>
    public IReadOnlyList<string> LogLines
    {
        get
        {
            lock (_log)
            {
                return [.. _log];
            }
        }
    }

    /// <summary>The published binary, or a skip of the calling test when there is none.</summary>
    public static string RequireBinary()
    {
        var binary = FindBinary();
        Skip.If(binary is null, "no native binary: ./test.sh publishes one (or set SLUICE_NATIVE_BINARY)");
        return binary!;
    }

    /// <summary>Mints a development token for <paramref name="subject"/> in group demo with <c>sluice token</c>.</summary>
    public async Task<string> MintAsync(string subject)
    {
        var token = await RunCommandAsync("token", "--config", ConfigPath, "--subject", subject, "--group", "demo");
        Assert.Equal(0, token.ExitCode);
        return token.StandardOutput.Trim();
    }

    /// <param name="flushInterval">The recording flush interval; short by default so tests need not wait.</param>
    /// <param name="allowPlaintext">Lets clients log in without TLS, so that the plaintext relay can be tested.</param>
    /// <param name="eventLoops">How many event loops the gateway runs (one per processor when null).</param>
    public static Task<NativeGateway> StartAsync(
        string binary, PostgresFixture postgres, string flushInterval = "200ms", bool allowPlaintext = false,
        int? eventLoops = null) =>
        StartAsync(binary, postgres.Server.Port, postgres.UpstreamPassword, flushInterval, allowPlaintext, eventLoops);

    public static async Task<NativeGateway> StartAsync(
        string binary, int upstreamPort, string upstreamPassword, string flushInterval = "200ms",
        bool allowPlaintext = false, int? eventLoops = null)
    {
        var directory = System.IO.Directory.CreateTempSubdirectory("sluice-native-").FullName;
        var configPath = Path.Combine(directory, "sluice.yaml");
        await File.WriteAllTextAsync(configPath, $$"""
            data_dir: ./data
            listeners:
              - name: pg
                protocol: postgres
                listen: 127.0.0.1:0
                connections: [demo]
                allow_plaintext_auth: {{(allowPlaintext ? "true" : "false")}}
            connections:
              - name: demo
                protocol: postgres
                upstream:
                  host: 127.0.0.1
                  port: {{upstreamPort}}
                  database: demo
                  user: {{PostgresFixture.UpstreamUser}}
                  password: { env: SLUICE_TEST_UPSTREAM_PASSWORD }
            identity:
              dev_issuer: true
            access:
              - connections: [demo]
                groups: [demo]
            recording:
              flush_interval: {{flushInterval}}
            """);

        var start = new ProcessStartInfo(binary)
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { "run", "--config", configPath })
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["SLUICE_TEST_UPSTREAM_PASSWORD"] = upstreamPassword;
        if (eventLoops is { } loops)
        {
            start.Environment["SLUICE_EVENT_LOOPS"] = loops.ToString(CultureInfo.InvariantCulture);
        }
        var process = Process.Start(start)!;
        var log = new List<string>();
        var listening = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                listening.TrySetException(new InvalidOperationException("sluice exited: " + string.Join('\n', log)));
                return;
            }

            lock (log)
            {
                log.Add(e.Data);
            }

            if (ListeningLine().Match(e.Data) is { Success: true } match)
            {
                listening.TrySetResult(int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture));
            }
        };
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        var port = await listening.Task.WaitAsync(TimeSpan.FromSeconds(20));
        return new NativeGateway(process, log, binary, directory, configPath, port);
    }

    /// <summary>Runs another sluice command with this gateway's configuration.</summary>
    public async Task<ProcessResult> RunCommandAsync(params string[] arguments)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        return await ProcessRunner.RunAsync(Binary, arguments, asPostgres: false, ct: timeout.Token);
    }

    /// <summary>Sends SIGTERM and waits for a clean exit.</summary>
    public async Task<int> StopAsync()
    {
        using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync();
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        await _process.WaitForExitAsync(timeout.Token);
        return _process.ExitCode;
    }

    /// <summary>Kills the gateway with SIGKILL: no chance to finalise anything.</summary>
    public async Task CrashAsync()
    {
        _process.Kill();
        await _process.WaitForExitAsync();
    }

    public ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
        }

        _process.Dispose();
        System.IO.Directory.Delete(Directory, recursive: true);
        return ValueTask.CompletedTask;
    }

    [GeneratedRegex(@"listening on 127\.0\.0\.1:(\d+)")]
    private static partial Regex ListeningLine();
}
