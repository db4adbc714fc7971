using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Sluice.Core.Transport;

namespace Sluice.Core.Tests.Transport;

/// <summary>
/// The event-loop sockets over real loopback connections: one end is a <see cref="LoopSocket"/>, the other an
/// ordinary socket that the test drives synchronously.
/// </summary>
public sealed class LoopSocketTests : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    private readonly Socket _listener;

    public LoopSocketTests()
    {
        Assert.True(EventLoop.IsAvailable, "the event loops run on Linux");
        _listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        _listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        _listener.Listen(16);
    }

    private int Port => ((IPEndPoint)_listener.LocalEndPoint!).Port;

    public void Dispose() => _listener.Dispose();

    [Fact]
    public async Task Reads_and_writes_reach_the_peer_both_ways()
    {
        var (loop, peer) = await ConnectedPairAsync();
        using var _ = loop;
        using var __ = peer;

        await loop.SendAsync("hello"u8.ToArray(), CancellationToken.None);
        Assert.Equal("hello", ReceiveExactly(peer, 5));

        peer.Send("world!"u8);
        var buffer = new byte[6];
        int total = 0;
        while (total < buffer.Length)
        {
            total += await loop.ReceiveAsync(buffer.AsMemory(total), CancellationToken.None).AsTask().WaitAsync(Patience);
        }

        Assert.Equal("world!", System.Text.Encoding.ASCII.GetString(buffer));
    }

    [Fact]
    public async Task An_empty_read_waits_for_data_without_taking_it()
    {
        var (loop, peer) = await ConnectedPairAsync();
        using var _ = loop;
        using var __ = peer;

        var waiting = loop.ReceiveAsync(Memory<byte>.Empty, CancellationToken.None).AsTask();
        await Task.Delay(100);
        Assert.False(waiting.IsCompleted, "nothing was sent yet");

        peer.Send("x"u8);
        Assert.Equal(0, await waiting.WaitAsync(Patience));

        var one = new byte[1];
        Assert.Equal(1, await loop.ReceiveAsync(one, CancellationToken.None).AsTask().WaitAsync(Patience));
        Assert.Equal((byte)'x', one[0]);
    }

    [Fact]
    public async Task A_closed_peer_reads_as_the_end_of_the_stream()
    {
        var (loop, peer) = await ConnectedPairAsync();
        using var _ = loop;

        peer.Shutdown(SocketShutdown.Send);
        peer.Dispose();

        Assert.Equal(0, await loop.ReceiveAsync(new byte[16], CancellationToken.None).AsTask().WaitAsync(Patience));
    }

    [Fact]
    public async Task A_cancelled_read_throws_and_leaves_the_socket_usable()
    {
        var (loop, peer) = await ConnectedPairAsync();
        using var _ = loop;
        using var __ = peer;
        using var cancel = new CancellationTokenSource();

        var waiting = loop.ReceiveAsync(new byte[16], cancel.Token).AsTask();
        await cancel.CancelAsync();
        var error = await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting.WaitAsync(Patience));
        Assert.Equal(cancel.Token, error.CancellationToken);

        peer.Send("after"u8);
        var buffer = new byte[16];
        Assert.Equal(5, await loop.ReceiveAsync(buffer, CancellationToken.None).AsTask().WaitAsync(Patience));
    }

    [Fact]
    public async Task Disposing_fails_a_pending_read()
    {
        var (loop, peer) = await ConnectedPairAsync();
        using var __ = peer;

        var waiting = loop.ReceiveAsync(new byte[16], CancellationToken.None).AsTask();
        loop.Dispose();

        await Assert.ThrowsAsync<ObjectDisposedException>(() => waiting.WaitAsync(Patience));
    }

    [Fact]
    public async Task A_write_to_a_peer_that_does_not_read_waits_until_it_does()
    {
        var (loop, peer) = await ConnectedPairAsync();
        using var _ = loop;
        using var __ = peer;
        loop.Socket.SendBufferSize = 64 * 1024;
        peer.ReceiveBufferSize = 64 * 1024;

        var payload = new byte[8 * 1024 * 1024];
        var sending = loop.SendAsync(payload, CancellationToken.None).AsTask();
        await Task.Delay(200);
        Assert.False(sending.IsCompleted, "eight megabytes cannot fit in the kernel's buffers");

        long received = 0;
        var buffer = new byte[64 * 1024];
        while (received < payload.Length)
        {
            received += peer.Receive(buffer);
        }

        await sending.WaitAsync(Patience);
        Assert.Equal(payload.Length, received);
    }

    [Fact]
    public async Task Connecting_to_a_closed_port_is_refused()
    {
        int closedPort;
        using (var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp))
        {
            probe.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            closedPort = ((IPEndPoint)probe.LocalEndPoint!).Port;
        }

        var error = await Assert.ThrowsAsync<SocketException>(
            () => LoopSocket.TryConnectAsync("127.0.0.1", closedPort, CancellationToken.None));
        Assert.Equal(SocketError.ConnectionRefused, error.SocketErrorCode);
    }

    [Fact]
    public async Task A_connected_socket_talks_to_the_listener()
    {
        var accepting = _listener.AcceptAsync();
        using var loop = await LoopSocket.TryConnectAsync("127.0.0.1", Port, CancellationToken.None);
        Assert.NotNull(loop);
        using var peer = await accepting.WaitAsync(Patience);

        await loop.SendAsync("ping"u8.ToArray(), CancellationToken.None);
        Assert.Equal("ping", ReceiveExactly(peer, 4));
    }

    [Fact]
    public async Task A_relay_is_told_of_readiness_on_the_loop_thread_until_it_stops()
    {
        var (loop, peer) = await ConnectedPairAsync();
        using var _ = loop;
        using var __ = peer;
        var relay = new RecordingRelay(loop);

        loop.StartRelay(relay);
        peer.Send("abc"u8);
        var readable = await relay.Events.ReceiveAsync(Patience);
        Assert.True(readable.Readable);
        Assert.True(readable.OnLoopThread);
        Assert.Equal("abc", readable.Read);

        loop.WatchRelay(read: true, write: true);
        var writable = await relay.Events.ReceiveAsync(Patience);
        Assert.True(writable.Writable);

        loop.WatchRelay(read: false, write: false);
        loop.StopRelay();
        relay.Events.Clear();
        peer.Send("def"u8);
        var buffer = new byte[3];
        Assert.Equal(3, await loop.ReceiveAsync(buffer, CancellationToken.None).AsTask().WaitAsync(Patience));
        Assert.Empty(relay.Events.Items);
    }

    [Fact]
    public async Task A_socket_moved_to_another_loop_keeps_working()
    {
        var (loop, peer) = await ConnectedPairAsync();
        using var _ = loop;
        using var __ = peer;
        var other = EventLoop.Next()!;
        if (other == loop.Loop)
        {
            other = EventLoop.Next()!;
        }

        loop.MoveTo(other);
        Assert.Same(other, loop.Loop);

        peer.Send("moved"u8);
        var buffer = new byte[5];
        int total = 0;
        while (total < buffer.Length)
        {
            total += await loop.ReceiveAsync(buffer.AsMemory(total), CancellationToken.None).AsTask().WaitAsync(Patience);
        }

        Assert.Equal("moved", System.Text.Encoding.ASCII.GetString(buffer));
    }

    [Fact]
    public async Task A_socket_cannot_be_awaited_while_relayed()
    {
        var (loop, peer) = await ConnectedPairAsync();
        using var _ = loop;
        using var __ = peer;

        loop.StartRelay(new RecordingRelay(loop));

        await Assert.ThrowsAsync<InvalidOperationException>(
            async () => await loop.ReceiveAsync(new byte[1], CancellationToken.None));
        Assert.Throws<InvalidOperationException>(() => loop.MoveTo(loop.Loop));
    }

    private async Task<(LoopSocket Loop, Socket Peer)> ConnectedPairAsync()
    {
        var peer = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        var accepting = _listener.AcceptAsync();
        peer.Connect(new IPEndPoint(IPAddress.Loopback, Port));
        var accepted = await accepting.WaitAsync(Patience);
        var loop = LoopSocket.TryAttach(accepted);
        Assert.NotNull(loop);
        return (loop, peer);
    }

    private static string ReceiveExactly(Socket socket, int count)
    {
        socket.ReceiveTimeout = (int)Patience.TotalMilliseconds;
        var buffer = new byte[count];
        int total = 0;
        while (total < count)
        {
            int n = socket.Receive(buffer, total, count - total, SocketFlags.None);
            Assert.NotEqual(0, n);
            total += n;
        }

        return System.Text.Encoding.ASCII.GetString(buffer);
    }

    private sealed record ReadyEvent(bool Readable, bool Writable, bool OnLoopThread, string Read);

    /// <summary>Notes each readiness report, reading what is there so that level-triggered reads do not repeat.</summary>
    private sealed class RecordingRelay(LoopSocket socket) : ISocketRelay
    {
        public EventQueue Events { get; } = new();

        public void OnReady(LoopSocket ready, bool readable, bool writable, bool failed)
        {
            string read = "";
            if (readable)
            {
                var buffer = new byte[64];
                int n = ready.TryReceive(buffer);
                read = n > 0 ? System.Text.Encoding.ASCII.GetString(buffer, 0, n) : "";
            }

            if (writable)
            {
                // Level-triggered: once seen, stop asking, or the loop would report it on every turn.
                socket.WatchRelay(read: true, write: false);
            }

            Events.Add(new ReadyEvent(readable, writable, Environment.CurrentManagedThreadId == socket.Loop.ThreadId, read));
        }

        public void OnFault(LoopSocket faulted, Exception exception) =>
            Events.Add(new ReadyEvent(false, false, false, exception.Message));
    }

    private sealed class EventQueue
    {
        private readonly BlockingCollection<ReadyEvent> _queue = [];
        private readonly ConcurrentQueue<ReadyEvent> _all = new();

        public IReadOnlyCollection<ReadyEvent> Items => _all;

        public void Add(ReadyEvent e)
        {
            _all.Enqueue(e);
            _queue.Add(e);
        }

        public void Clear()
        {
            while (_queue.TryTake(out _))
            {
            }

            _all.Clear();
        }

        public Task<ReadyEvent> ReceiveAsync(TimeSpan timeout) => Task.Run(() =>
            _queue.TryTake(out var e, timeout) ? e : throw new TimeoutException("no readiness reported"));
    }
}
