using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Npgsql;
using Sluice.IntegrationTests.Admin;
using Sluice.IntegrationTests.Infrastructure;

namespace Sluice.IntegrationTests.Postgres;

/// <summary>
/// A database that is down, or up but not answering, is reported promptly and plainly: 08001 naming the
/// connection (never its address or credential), and an error log line an operator can act on.
/// </summary>
[Collection("postgres")]
public sealed class PgUpstreamTimeoutTests
{
    private const string Secret = "upstream-secret-never-shown";

    private static Task<GatewayHarness> StartAsync(int upstreamPort, ListLogger logs) =>
        GatewayHarness.StartAsync(upstreamPort, Secret, new HarnessOptions
        {
            Logs = logs,
            DemoUpstreamYaml = "      connect_timeout: 2s",
        });

    private static async Task<(PostgresException Error, TimeSpan Elapsed)> OpenFailsAsync(GatewayHarness gateway)
    {
        var clock = Stopwatch.StartNew();
        var error = await Assert.ThrowsAsync<PostgresException>(() => gateway.OpenAsync());
        return (error, clock.Elapsed);
    }

    private static void AssertNothingLeaks(PostgresException error, int port)
    {
        var text = error.MessageText + error.Detail + error.Hint;
        Assert.DoesNotContain(Secret, text, StringComparison.Ordinal);
        Assert.DoesNotContain(port.ToString(System.Globalization.CultureInfo.InvariantCulture), text, StringComparison.Ordinal);
    }

    /// <summary>The gateway's log line for the failed login (Npgsql may try twice, so there may be two alike).</summary>
    private static (LogLevel Level, string Message) UpstreamLogLine(ListLogger logs)
    {
        var lines = logs.Entries.Where(e => e.Message.Contains("for connection demo failed", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(lines);
        Assert.All(lines, line =>
        {
            Assert.Equal(LogLevel.Error, line.Level);
            Assert.DoesNotContain(Secret, line.Message, StringComparison.Ordinal);
        });
        return lines[0];
    }

    /// <summary>
    /// Logs in through a gateway whose demo upstream is <paramref name="port"/> with a 2 s connect_timeout, and
    /// checks the client hears 08001 "did not answer in time" after it, and the log says which step stalled.
    /// </summary>
    private static async Task AssertGivenUpAfterConnectTimeoutAsync(int port, string step)
    {
        var logs = new ListLogger();
        await using var gateway = await StartAsync(port, logs);
        var (error, elapsed) = await OpenFailsAsync(gateway);

        Assert.Equal("08001", error.SqlState);
        Assert.Equal("the database of connection \"demo\" did not answer in time", error.MessageText);
        Assert.InRange(elapsed, TimeSpan.FromSeconds(1.8), TimeSpan.FromSeconds(20));
        AssertNothingLeaks(error, port);
        var line = UpstreamLogLine(logs);
        Assert.Contains($"did not answer within 2 s (could not {step})", line.Message, StringComparison.Ordinal);
        Assert.Contains("connect_timeout", line.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ClosedPort_IsRefusedPromptlyWith08001_NamingTheConnection()
    {
        int closedPort;
        using (var probe = new TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            closedPort = ((IPEndPoint)probe.LocalEndpoint).Port;
        }

        var logs = new ListLogger();
        await using var gateway = await StartAsync(closedPort, logs);
        var (error, elapsed) = await OpenFailsAsync(gateway);

        Assert.Equal("08001", error.SqlState);
        Assert.Equal(
            "the gateway cannot reach the database of connection \"demo\" (connection refused)", error.MessageText);
        Assert.True(elapsed < TimeSpan.FromSeconds(5), $"a refused connect took {elapsed}");
        AssertNothingLeaks(error, closedPort);
        var line = UpstreamLogLine(logs);
        Assert.Contains($"127.0.0.1:{closedPort}", line.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UpstreamThatAcceptsButNeverAnswers_IsGivenUpOnAfterConnectTimeout()
    {
        using var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start();
        var port = ((IPEndPoint)silent.LocalEndpoint).Port;
        var accepted = new List<Socket>();
        using var stop = new CancellationTokenSource();
        var acceptLoop = Task.Run(async () =>
        {
            try
            {
                while (true)
                {
                    accepted.Add(await silent.AcceptSocketAsync(stop.Token));
                }
            }
            catch (OperationCanceledException)
            {
            }
        });

        try
        {
            await AssertGivenUpAfterConnectTimeoutAsync(port, "log in");
            Assert.NotEmpty(accepted);
        }
        finally
        {
            await stop.CancelAsync();
            await acceptLoop;
            accepted.ForEach(s => s.Dispose());
        }
    }

    [Fact]
    public async Task UpstreamWithAFullListenQueue_IsGivenUpOnAfterConnectTimeout()
    {
        // A listener that never accepts, its queue filled by connections of ours: further SYNs are dropped, so a
        // connect neither succeeds nor fails until someone gives up.
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(1);
        var port = ((IPEndPoint)listener.LocalEndPoint!).Port;
        var fillers = new List<Socket>();
        try
        {
            while (fillers.Count < 64)
            {
                var filler = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                fillers.Add(filler);
                using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(1));
                try
                {
                    await filler.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port), wait.Token);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }

            Assert.True(fillers.Count < 64, "the listen queue never filled up");

            await AssertGivenUpAfterConnectTimeoutAsync(port, "connect");
        }
        finally
        {
            fillers.ForEach(s => s.Dispose());
        }
    }
}
