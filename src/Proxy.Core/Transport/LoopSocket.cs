using System.Net;
using System.Net.Sockets;
using System.Threading.Tasks.Sources;

namespace Sluice.Core.Transport;

/// <summary>Told of a relayed socket's readiness, on its loop's thread (see <see cref="LoopSocket.StartRelay"/>).</summary>
public interface ISocketRelay
{
    /// <summary>
    /// The socket can be read, written, or both; <paramref name="failed"/> says it has been reset or hung up, which
    /// is reported whatever the relay watches, so a relay that is not reading it must end rather than be told again.
    /// </summary>
    void OnReady(LoopSocket socket, bool readable, bool writable, bool failed);

    /// <summary>Handling an event threw: the relay ends.</summary>
    void OnFault(LoopSocket socket, Exception exception);
}

/// <summary>
/// A connected socket whose reads and writes go through an <see cref="EventLoop"/> instead of the runtime's socket
/// engine. It works two ways: as awaitable reads and writes (start-up, TLS, and anything written as async code), and
/// as a relay that the loop drives directly, calling <see cref="ISocketRelay.OnReady"/> when the socket is ready.
/// It owns the socket.
/// </summary>
public sealed class LoopSocket : ILoopHandler, IDisposable
{
    private readonly Socket _socket;
    private readonly int _fd;
    private EventLoop.Registration _registration;
    private readonly Lock _gate = new();
    private readonly Waiter _reader;
    private readonly Waiter _writer;
    private ISocketRelay? _relay;
    private bool _disposed;

    private LoopSocket(Socket socket, EventLoop loop)
    {
        _socket = socket;
        _fd = (int)socket.SafeHandle.DangerousGetHandle();
        _reader = new Waiter(this);
        _writer = new Waiter(this);
        // Registered with no interest until somebody waits: one-shot with nothing asked reports nothing but hang-ups.
        _registration = loop.Add(_fd, this, LinuxSockets.EpollOneShot);
    }

    /// <summary>The socket itself, for options and addresses; its reads and writes must go through this object.</summary>
    public Socket Socket => _socket;

    /// <summary>The loop whose thread runs this socket's relay.</summary>
    public EventLoop Loop => _registration.Loop;

    /// <summary>
    /// Takes over a connected socket on the next loop, or returns null where the loops do not run (the caller keeps
    /// using the socket as it is). The socket must not have been used with the runtime's asynchronous calls.
    /// </summary>
    public static LoopSocket? TryAttach(Socket socket)
    {
        var loop = EventLoop.Next();
        if (loop is null)
        {
            return null;
        }

        try
        {
            return new LoopSocket(socket, loop);
        }
        catch (IOException)
        {
            // epoll refused the descriptor (its watch limit, say): the runtime's sockets still work.
            return null;
        }
    }

    /// <summary>
    /// Connects to the first address of <paramref name="host"/> that accepts, without the runtime's socket engine;
    /// null where the loops do not run. Failures are <see cref="SocketException"/>s, as from
    /// <see cref="Socket.ConnectAsync(string, int, CancellationToken)"/>.
    /// </summary>
    public static async Task<LoopSocket?> TryConnectAsync(string host, int port, CancellationToken cancellationToken)
    {
        var loop = EventLoop.Next();
        if (loop is null)
        {
            return null;
        }

        IPAddress[] addresses = IPAddress.TryParse(host, out var literal)
            ? [literal]
            : await Dns.GetHostAddressesAsync(host, cancellationToken);
        if (addresses.Length == 0)
        {
            throw new SocketException((int)SocketError.HostNotFound);
        }

        SocketException? last = null;
        foreach (var address in addresses)
        {
            var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true, Blocking = false };
            LoopSocket? attached = null;
            try
            {
                try
                {
                    socket.Connect(new IPEndPoint(address, port));
                    return new LoopSocket(socket, loop);
                }
                catch (SocketException e) when (e.SocketErrorCode is SocketError.WouldBlock or SocketError.InProgress)
                {
                    // Under way: writable means connected or failed, and SO_ERROR says which.
                }

                attached = new LoopSocket(socket, loop);
                await attached.WaitAsync(write: true, cancellationToken);
                // The runtime reports SO_ERROR already translated to a SocketError.
                var error = (int)socket.GetSocketOption(SocketOptionLevel.Socket, SocketOptionName.Error)!;
                if (error == 0)
                {
                    return attached;
                }

                last = new SocketException(error);
            }
            catch (SocketException e)
            {
                last = e;
            }
            catch
            {
                if (attached is not null)
                {
                    attached.Dispose();
                }
                else
                {
                    socket.Dispose();
                }

                throw;
            }

            if (attached is not null)
            {
                attached.Dispose();
            }
            else
            {
                socket.Dispose();
            }
        }

        throw last!;
    }

    /// <summary>
    /// Moves the socket to another loop, so that two sockets relayed to each other are handled by one thread. No
    /// read or write may be awaited and no relay running.
    /// </summary>
    public void MoveTo(EventLoop loop)
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_relay is not null || _reader.Pending || _writer.Pending)
            {
                throw new InvalidOperationException("a socket in use cannot move to another loop");
            }

            if (loop == _registration.Loop)
            {
                return;
            }

            // Added to the new loop first: if that fails the socket stays where it was, still usable.
            var moved = loop.Add(_fd, this, LinuxSockets.EpollOneShot);
            _registration.Loop.Remove(_registration);
            _registration = moved;
        }
    }

    /// <summary>Reads what is there without waiting: the count (0 at end of stream), or -1 when nothing is.</summary>
    /// <exception cref="IOException">The connection failed.</exception>
    public int TryReceive(Span<byte> buffer) => Receive(buffer, 0);

    /// <summary>Writes what the socket takes without waiting: the count, possibly 0.</summary>
    /// <exception cref="IOException">The connection failed.</exception>
    public int TrySend(ReadOnlySpan<byte> buffer)
    {
        while (true)
        {
            int n = LinuxSockets.Send(_fd, buffer, out int errno);
            if (n >= 0)
            {
                return n;
            }

            if (errno == LinuxSockets.EAgain)
            {
                return 0;
            }

            if (errno != LinuxSockets.EIntr)
            {
                throw Failure("write data to", errno);
            }
        }
    }

    /// <summary>Reads at least one byte, or returns 0 at the end of the stream; an empty buffer waits for data.</summary>
    public async ValueTask<int> ReceiveAsync(Memory<byte> buffer, CancellationToken cancellationToken)
    {
        while (true)
        {
            int n = buffer.IsEmpty ? Peek() : TryReceive(buffer.Span);
            if (n >= 0)
            {
                return buffer.IsEmpty ? 0 : n;
            }

            await WaitAsync(write: false, cancellationToken);
        }
    }

    /// <summary>Writes all of <paramref name="buffer"/>.</summary>
    public async ValueTask SendAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken)
    {
        while (!buffer.IsEmpty)
        {
            int n = TrySend(buffer.Span);
            if (n > 0)
            {
                buffer = buffer[n..];
                continue;
            }

            await WaitAsync(write: true, cancellationToken);
        }
    }

    /// <summary>
    /// Hands the socket's readiness to <paramref name="relay"/>, level-triggered, until <see cref="StopRelay"/>. No
    /// awaited read or write may be pending. Reading is watched at once; writing when asked.
    /// </summary>
    public void StartRelay(ISocketRelay relay)
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_reader.Pending || _writer.Pending)
            {
                throw new InvalidOperationException("a relay cannot start while a read or write is awaited");
            }

            _relay = relay;
            Arm(LinuxSockets.EpollIn | LinuxSockets.EpollRdHup);
        }
    }

    /// <summary>Sets what the relay is told of; from the loop's thread or before the relay's first event.</summary>
    public void WatchRelay(bool read, bool write)
    {
        lock (_gate)
        {
            if (_relay is null || _disposed)
            {
                return;
            }

            Arm((read ? LinuxSockets.EpollIn | LinuxSockets.EpollRdHup : 0) | (write ? LinuxSockets.EpollOut : 0));
        }
    }

    /// <summary>
    /// Ends the relay: the socket is watched again only for awaited reads and writes. Never throws, so that a relay
    /// always completes; if epoll refuses the change, the next awaited read or write reports it.
    /// </summary>
    public void StopRelay()
    {
        lock (_gate)
        {
            _relay = null;
            if (!_disposed)
            {
                try
                {
                    Arm(LinuxSockets.EpollOneShot);
                }
                catch (IOException)
                {
                    // In practice only a descriptor that epoll no longer holds (closed) is refused: nothing to watch.
                }
            }
        }
    }

    /// <summary>Closes the socket; a pending read or write fails.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            _relay = null;
        }

        _registration.Loop.Remove(_registration);
        _reader.Fail(new ObjectDisposedException(nameof(LoopSocket)));
        _writer.Fail(new ObjectDisposedException(nameof(LoopSocket)));
        _socket.Dispose();
    }

    void ILoopHandler.OnEvents(uint events)
    {
        ISocketRelay? relay;
        bool readable = (events & (LinuxSockets.EpollIn | LinuxSockets.EpollRdHup | LinuxSockets.EpollHup | LinuxSockets.EpollErr)) != 0;
        bool writable = (events & (LinuxSockets.EpollOut | LinuxSockets.EpollHup | LinuxSockets.EpollErr)) != 0;
        lock (_gate)
        {
            relay = _relay;
            if (relay is null)
            {
                // One-shot: the watch is off now; wake who was waiting, and watch again for who still is.
                if (readable)
                {
                    _reader.Wake();
                }

                if (writable)
                {
                    _writer.Wake();
                }

                RearmWaiters();
                return;
            }
        }

        relay.OnReady(this, readable, writable, (events & (LinuxSockets.EpollHup | LinuxSockets.EpollErr)) != 0);
    }

    void ILoopHandler.OnFault(Exception error)
    {
        var relay = _relay;
        relay?.OnFault(this, error);
    }

    private int Peek()
    {
        Span<byte> one = stackalloc byte[1];
        return Receive(one, LinuxSockets.MsgPeek);
    }

    private int Receive(Span<byte> buffer, int flags)
    {
        while (true)
        {
            int n = LinuxSockets.Receive(_fd, buffer, flags, out int errno);
            if (n >= 0)
            {
                return n;
            }

            if (errno == LinuxSockets.EAgain)
            {
                return -1;
            }

            if (errno != LinuxSockets.EIntr)
            {
                throw Failure("read data from", errno);
            }
        }
    }

    private ValueTask WaitAsync(bool write, CancellationToken cancellationToken)
    {
        var waiter = write ? _writer : _reader;
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_relay is not null)
            {
                throw new InvalidOperationException("the socket is relayed by its loop; it cannot be awaited now");
            }

            waiter.Begin(cancellationToken);
            RearmWaiters();
        }

        return waiter.Task;
    }

    /// <summary>Called with the gate held.</summary>
    private void RearmWaiters()
    {
        if (_disposed)
        {
            return;
        }

        uint events = (_reader.Pending ? LinuxSockets.EpollIn | LinuxSockets.EpollRdHup : 0)
            | (_writer.Pending ? LinuxSockets.EpollOut : 0);
        if (events != 0)
        {
            Arm(events | LinuxSockets.EpollOneShot);
        }
    }

    private void Arm(uint events) => _registration.Loop.Modify(_registration, events);

    private void Cancelled(Waiter waiter)
    {
        lock (_gate)
        {
            if (!waiter.Pending)
            {
                return;
            }

            waiter.Cancel();
        }
    }

    private static IOException Failure(string verb, int errno)
    {
        var error = new SocketException((int)LinuxSockets.ToSocketError(errno));
        return new IOException($"Unable to {verb} the transport connection: {error.Message}.", error);
    }

    /// <summary>One awaited read or write: reused for every wait, so waiting allocates nothing.</summary>
    private sealed class Waiter(LoopSocket owner) : IValueTaskSource
    {
        private ManualResetValueTaskSourceCore<bool> _core = new() { RunContinuationsAsynchronously = true };
        private CancellationTokenRegistration _cancellation;
        private CancellationToken _cancelledBy;

        public bool Pending { get; private set; }

        public ValueTask Task => new(this, _core.Version);

        public void Begin(CancellationToken cancellationToken)
        {
            if (Pending)
            {
                throw new InvalidOperationException("a read or write is already awaited on this socket");
            }

            _core.Reset();
            Pending = true;
            if (cancellationToken.CanBeCanceled)
            {
                _cancellation = cancellationToken.UnsafeRegister(
                    static (state, token) => ((Waiter)state!).CancelFrom(token), this);
            }
        }

        public void Wake() => Complete(null);

        public void Fail(Exception error)
        {
            lock (owner._gate)
            {
                Complete(error);
            }
        }

        public void Cancel() => Complete(null, cancelled: true);

        private void CancelFrom(CancellationToken token)
        {
            _cancelledBy = token;
            owner.Cancelled(this);
        }

        private void Complete(Exception? error, bool cancelled = false)
        {
            if (!Pending)
            {
                return;
            }

            Pending = false;

            // Unregister, not Dispose: Dispose would wait for a cancellation callback that waits for the gate held here.
            _cancellation.Unregister();
            _cancellation = default;
            if (cancelled)
            {
                _core.SetException(new OperationCanceledException(_cancelledBy));
            }
            else if (error is not null)
            {
                _core.SetException(error);
            }
            else
            {
                _core.SetResult(true);
            }
        }

        public void GetResult(short token) => _core.GetResult(token);

        public ValueTaskSourceStatus GetStatus(short token) => _core.GetStatus(token);

        public void OnCompleted(Action<object?> continuation, object? state, short token,
            ValueTaskSourceOnCompletedFlags flags) => _core.OnCompleted(continuation, state, token, flags);
    }
}
