using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace Sluice.Core.Transport;

/// <summary>
/// The few Linux calls the event loop makes itself: epoll, an eventfd to wake it, and non-blocking recv and send
/// on a socket's descriptor. Everything else about a socket (options, shutdown, close) stays with
/// <see cref="Socket"/>.
/// </summary>
internal static partial class LinuxSockets
{
    public const uint EpollIn = 0x001;
    public const uint EpollOut = 0x004;
    public const uint EpollErr = 0x008;
    public const uint EpollHup = 0x010;
    public const uint EpollRdHup = 0x2000;
    public const uint EpollOneShot = 1u << 30;

    public const int EpollCtlAdd = 1;
    public const int EpollCtlDel = 2;
    public const int EpollCtlMod = 3;

    private const int EpollCloexec = 0x80000;
    private const int EfdCloexec = 0x80000;
    private const int EfdNonBlock = 0x800;

    public const int MsgPeek = 0x02;
    public const int MsgDontWait = 0x40;
    public const int MsgNoSignal = 0x4000;

    public const int EIntr = 4;
    public const int EAgain = 11;

    /// <summary>
    /// Size of one <c>struct epoll_event</c>: packed (12 bytes) on x86-64 only; elsewhere the 64-bit data field is
    /// aligned (16 bytes).
    /// </summary>
    public static readonly int EventSize = RuntimeInformation.ProcessArchitecture == Architecture.X64 ? 12 : 16;

    /// <summary>Where the data field starts within one event.</summary>
    public static readonly int EventDataOffset = RuntimeInformation.ProcessArchitecture == Architecture.X64 ? 4 : 8;

    public static int CreateEpoll() => epoll_create1(EpollCloexec);

    public static int CreateEventFd() => eventfd(0, EfdCloexec | EfdNonBlock);

    public static int Control(int epoll, int op, int fd, uint events, ulong data)
    {
        Span<byte> ev = stackalloc byte[16];
        ev.Clear();
        MemoryMarshal.Write(ev, in events);
        MemoryMarshal.Write(ev[EventDataOffset..], in data);
        return epoll_ctl(epoll, op, fd, ref MemoryMarshal.GetReference(ev));
    }

    public static int Wait(int epoll, Span<byte> events, int timeoutMs) =>
        epoll_wait(epoll, ref MemoryMarshal.GetReference(events), events.Length / EventSize, timeoutMs);

    public static (uint Events, ulong Data) ReadEvent(ReadOnlySpan<byte> events, int index)
    {
        var one = events.Slice(index * EventSize, EventSize);
        return (MemoryMarshal.Read<uint>(one), MemoryMarshal.Read<ulong>(one[EventDataOffset..]));
    }

    public static void Signal(int eventFd)
    {
        ulong one = 1;
        _ = write(eventFd, ref one, sizeof(ulong));
    }

    public static void Drain(int eventFd)
    {
        ulong value = 0;
        _ = read(eventFd, ref value, sizeof(ulong));
    }

    /// <summary>recv without blocking; the count, or -1 with <paramref name="errno"/> set.</summary>
    public static int Receive(int fd, Span<byte> buffer, int flags, out int errno)
    {
        var n = recv(fd, ref MemoryMarshal.GetReference(buffer), buffer.Length, flags | MsgDontWait);
        errno = n < 0 ? Marshal.GetLastPInvokeError() : 0;
        return (int)n;
    }

    /// <summary>send without blocking and without SIGPIPE; the count, or -1 with <paramref name="errno"/> set.</summary>
    public static int Send(int fd, ReadOnlySpan<byte> buffer, out int errno)
    {
        var n = send(fd, ref MemoryMarshal.GetReference(buffer), buffer.Length, MsgDontWait | MsgNoSignal);
        errno = n < 0 ? Marshal.GetLastPInvokeError() : 0;
        return (int)n;
    }

    public static int LastError() => Marshal.GetLastPInvokeError();

    /// <summary>The <see cref="SocketError"/> for a Linux errno, so failures read as <see cref="Socket"/>'s do.</summary>
    public static SocketError ToSocketError(int errno) => errno switch
    {
        11 => SocketError.WouldBlock,
        32 => SocketError.Shutdown,
        103 => SocketError.ConnectionAborted,
        104 => SocketError.ConnectionReset,
        107 => SocketError.NotConnected,
        110 => SocketError.TimedOut,
        111 => SocketError.ConnectionRefused,
        113 => SocketError.HostUnreachable,
        101 => SocketError.NetworkUnreachable,
        100 => SocketError.NetworkDown,
        9 => SocketError.OperationAborted,
        4 => SocketError.Interrupted,
        _ => SocketError.SocketError,
    };

    [LibraryImport("libc", SetLastError = true)]
    private static partial int epoll_create1(int flags);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int epoll_ctl(int epfd, int op, int fd, ref byte ev);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int epoll_wait(int epfd, ref byte events, int maxevents, int timeout);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int eventfd(uint initval, int flags);

    [LibraryImport("libc", SetLastError = true)]
    private static partial nint read(int fd, ref ulong buffer, nint count);

    [LibraryImport("libc", SetLastError = true)]
    private static partial nint write(int fd, ref ulong buffer, nint count);

    [LibraryImport("libc", SetLastError = true)]
    private static partial nint recv(int fd, ref byte buffer, nint length, int flags);

    [LibraryImport("libc", SetLastError = true)]
    private static partial nint send(int fd, ref byte buffer, nint length, int flags);
}
