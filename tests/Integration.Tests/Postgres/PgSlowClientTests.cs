using System.Buffers;
using System.Buffers.Binary;
using Sluice.IntegrationTests.Infrastructure;
using Sluice.Protocols.Postgres;

namespace Sluice.IntegrationTests.Postgres;

/// <summary>
/// Slowloris: clients that keep the connection alive by trickling or stalling are cut off by the start-up
/// timeout, which bounds the whole start-up, not each read.
/// </summary>
[Collection("postgres")]
public sealed class PgSlowClientTests(PostgresFixture postgres) : IAsyncLifetime
{
    private static readonly TimeSpan StartupTimeout = TimeSpan.FromSeconds(3);

    private GatewayHarness _gateway = null!;

    public async Task InitializeAsync() => _gateway = await GatewayHarness.StartAsync(postgres, new HarnessOptions
    {
        AllowPlaintext = true,
        StartupTimeout = "3s",
    });

    public async Task DisposeAsync() => await _gateway.DisposeAsync();

    [Fact]
    public async Task StartupPacketOneBytePerSecond_IsCutOffByTheStartupTimeout()
    {
        await using var client = await RawPgClient.ConnectAsync(_gateway.Port);
        var packet = new ArrayBufferWriter<byte>();
        PgWriter.StartupMessage(packet, [new("user", "slow"), new("database", "demo")]);
        Assert.True(packet.WrittenCount > 10, "the packet must take longer to trickle than the timeout");

        var started = DateTime.UtcNow;
        using var stop = new CancellationTokenSource();
        var trickle = TrickleAsync(client, packet.WrittenMemory, TimeSpan.FromSeconds(1), stop.Token);
        var error = await client.ReadFatalErrorAsync();
        var elapsed = DateTime.UtcNow - started;
        await stop.CancelAsync();
        var sent = await trickle;

        Assert.Equal("08000", error.Code);
        Assert.Equal("start-up took too long", error.Message);
        Assert.InRange(elapsed, StartupTimeout - TimeSpan.FromMilliseconds(200), StartupTimeout + TimeSpan.FromSeconds(7));
        Assert.InRange(sent, 1, packet.WrittenCount - 1);
    }

    [Fact]
    public async Task PasswordMessageThatStallsHalfway_IsCutOffByTheStartupTimeout()
    {
        await using var client = await RawPgClient.ConnectAsync(_gateway.Port);
        var started = DateTime.UtcNow;
        await client.SendAsync(w => PgWriter.StartupMessage(w, [new("user", "stalls"), new("database", "demo")]));
        var (type, _) = await client.ReadMessageAsync();
        Assert.Equal((byte)'R', type);

        // A password message announcing 200 bytes, of which only the first 20 ever come.
        var partial = new byte[5 + 20];
        partial[0] = (byte)'p';
        BinaryPrimitives.WriteInt32BigEndian(partial.AsSpan(1), 4 + 200);
        "eyJhbGciOiJFUzI1NiJ9"u8.CopyTo(partial.AsSpan(5));
        await client.SendRawAsync(partial);

        var error = await client.ReadFatalErrorAsync();
        Assert.Equal("08000", error.Code);
        Assert.InRange(
            DateTime.UtcNow - started, StartupTimeout - TimeSpan.FromMilliseconds(200), StartupTimeout + TimeSpan.FromSeconds(7));
    }

    [Fact]
    public async Task TlsHandshakeThatNeverComes_IsCutOffByTheStartupTimeout()
    {
        await using var client = await RawPgClient.ConnectAsync(_gateway.Port);
        var started = DateTime.UtcNow;
        await client.SendAsync(PgWriter.SslRequest);
        Assert.Equal((byte)'S', await client.ReadByteAsync());

        // No ClientHello: the gateway must not wait for it beyond the start-up timeout.
        Assert.True(await client.WaitForCloseAsync(TimeSpan.FromSeconds(15)), "the gateway kept the stalled connection open");
        Assert.InRange(
            DateTime.UtcNow - started, StartupTimeout - TimeSpan.FromMilliseconds(200), StartupTimeout + TimeSpan.FromSeconds(7));
    }

    /// <summary>Sends one byte per <paramref name="interval"/> until done, stopped, or refused; returns bytes sent.</summary>
    private static async Task<int> TrickleAsync(
        RawPgClient client, ReadOnlyMemory<byte> bytes, TimeSpan interval, CancellationToken cancellationToken)
    {
        var sent = 0;
        try
        {
            while (sent < bytes.Length)
            {
                await client.SendRawAsync(bytes.Slice(sent, 1));
                sent++;
                await Task.Delay(interval, cancellationToken);
            }
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or System.Net.Sockets.SocketException)
        {
            // Cut off, as intended, or the test is over.
        }

        return sent;
    }
}
