using System.Collections.Concurrent;

namespace Sluice.Core.Transport;

/// <summary>Something registered with an <see cref="EventLoop"/>: told of its descriptor's readiness.</summary>
internal interface ILoopHandler
{
    /// <summary>Runs on the loop's thread with the epoll event bits; must not block.</summary>
    void OnEvents(uint events);

    /// <summary>Runs on the loop's thread when <see cref="OnEvents"/> threw: the handler ends what it was doing.</summary>
    void OnFault(Exception exception);
}

/// <summary>
/// One thread waiting in epoll for the sockets of many sessions, the way a C proxy runs: a ready socket is read
/// once, its bytes are judged and forwarded on this thread, and nothing is handed between threads on the way. The
/// sockets are read and written with non-blocking calls of our own, so the runtime's socket engine never sees
/// them (a socket registered with both would wake two threads for every message).
/// </summary>
public sealed class EventLoop
{
    private const ulong WakeToken = ulong.MaxValue;
    private const int MaxEventsPerWait = 256;

    private static readonly Lazy<EventLoop[]?> s_group = new(CreateGroup);
    private static int s_next;

    private readonly int _epoll;
    private readonly int _wake;
    private readonly ConcurrentQueue<(Action<object?> Action, object? State)> _posted = new();
    private readonly Lock _gate = new();
    private readonly Stack<int> _freeSlots = new();
    private Entry?[] _entries = new Entry?[64];
    private int _usedSlots;
    private int _wakePending;

    private EventLoop(int epoll, int wake, int index)
    {
        _epoll = epoll;
        _wake = wake;
        var thread = new Thread(Run) { IsBackground = true, Name = $"sluice loop {index}" };
        thread.Start();
    }

    /// <summary>Whether the event loops run on this system (Linux, with epoll available).</summary>
    public static bool IsAvailable => s_group.Value is not null;

    /// <summary>The thread that runs handlers of this loop; for checks that code runs where it must.</summary>
    internal int ThreadId { get; private set; }

    /// <summary>One loop per processor, handed out in turn; null where the loops cannot run.</summary>
    internal static EventLoop? Next()
    {
        var group = s_group.Value;
        return group is null ? null : group[(int)((uint)Interlocked.Increment(ref s_next) % (uint)group.Length)];
    }

    private static EventLoop[]? CreateGroup()
    {
        if (!OperatingSystem.IsLinux() || Environment.GetEnvironmentVariable("SLUICE_EVENT_LOOP") == "off")
        {
            return null;
        }

        try
        {
            var loops = new EventLoop[LoopCount()];
            for (int i = 0; i < loops.Length; i++)
            {
                int epoll = LinuxSockets.CreateEpoll();
                int wake = LinuxSockets.CreateEventFd();
                if (epoll < 0 || wake < 0
                    || LinuxSockets.Control(epoll, LinuxSockets.EpollCtlAdd, wake, LinuxSockets.EpollIn, WakeToken) < 0)
                {
                    return null;
                }

                loops[i] = new EventLoop(epoll, wake, i);
            }

            return loops;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            // Without the C library's epoll the sessions use the runtime's sockets, which work everywhere.
            return null;
        }
    }

    /// <summary>One loop per processor unless <c>SLUICE_EVENT_LOOPS</c> asks for another number.</summary>
    private static int LoopCount() =>
        int.TryParse(Environment.GetEnvironmentVariable("SLUICE_EVENT_LOOPS"), out var wanted) && wanted is > 0 and <= 1024
            ? wanted
            : Math.Max(1, Environment.ProcessorCount);

    /// <summary>Runs <paramref name="action"/> on the loop's thread, soon.</summary>
    public void Post(Action<object?> action, object? state)
    {
        _posted.Enqueue((action, state));
        if (Interlocked.Exchange(ref _wakePending, 1) == 0)
        {
            LinuxSockets.Signal(_wake);
        }
    }

    /// <summary>Adds a descriptor with the given interest; returns the registration to modify or remove it.</summary>
    internal Registration Add(int fd, ILoopHandler handler, uint events)
    {
        Registration registration;
        lock (_gate)
        {
            int slot;
            if (_freeSlots.Count > 0)
            {
                slot = _freeSlots.Pop();
            }
            else
            {
                slot = _usedSlots++;
                if (slot == _entries.Length)
                {
                    var grown = new Entry?[_entries.Length * 2];
                    _entries.CopyTo(grown, 0);
                    Volatile.Write(ref _entries, grown);
                }
            }

            var previous = _entries[slot];
            var entry = new Entry(handler, previous is null ? 1u : previous.Generation + 1);
            Volatile.Write(ref _entries[slot], entry);
            registration = new Registration(this, fd, slot, entry.Generation);
        }

        if (LinuxSockets.Control(_epoll, LinuxSockets.EpollCtlAdd, fd, events, registration.Data) < 0)
        {
            int errno = LinuxSockets.LastError();
            Release(registration.Slot);
            throw new IOException($"the event loop cannot watch descriptor {fd} (errno {errno})");
        }

        return registration;
    }

    internal void Modify(in Registration registration, uint events)
    {
        if (LinuxSockets.Control(_epoll, LinuxSockets.EpollCtlMod, registration.Fd, events, registration.Data) < 0)
        {
            int errno = LinuxSockets.LastError();
            throw new IOException($"the event loop cannot change its watch of descriptor {registration.Fd} (errno {errno})");
        }
    }

    internal void Remove(in Registration registration)
    {
        // The descriptor may be closed already (which removes it from epoll by itself): the error does not matter.
        _ = LinuxSockets.Control(_epoll, LinuxSockets.EpollCtlDel, registration.Fd, 0, 0);
        Release(registration.Slot);
    }

    private void Release(int slot)
    {
        lock (_gate)
        {
            // The entry stays, with its generation, so that an event already taken for it is recognised as stale.
            var entry = _entries[slot]!;
            Volatile.Write(ref _entries[slot], entry with { Handler = null });
            _freeSlots.Push(slot);
        }
    }

    private void Run()
    {
        ThreadId = Environment.CurrentManagedThreadId;
        var events = new byte[MaxEventsPerWait * LinuxSockets.EventSize];
        while (true)
        {
            int count = LinuxSockets.Wait(_epoll, events, -1);
            if (count < 0)
            {
                if (LinuxSockets.LastError() == LinuxSockets.EIntr)
                {
                    continue;
                }

                // An epoll descriptor that fails is not recoverable; the process must not go on silently.
                Environment.FailFast($"epoll_wait failed with errno {LinuxSockets.LastError()}");
            }

            for (int i = 0; i < count; i++)
            {
                var (bits, data) = LinuxSockets.ReadEvent(events, i);
                if (data == WakeToken)
                {
                    LinuxSockets.Drain(_wake);
                    Volatile.Write(ref _wakePending, 0);
                    continue;
                }

                Dispatch(bits, data);
            }

            RunPosted();
        }
    }

    private void Dispatch(uint bits, ulong data)
    {
        var entries = Volatile.Read(ref _entries);
        int slot = (int)(uint)data;
        if ((uint)slot >= (uint)entries.Length || Volatile.Read(ref entries[slot]) is not { Handler: { } handler } entry
            || entry.Generation != (uint)(data >> 32))
        {
            return;
        }

        try
        {
            handler.OnEvents(bits);
        }
        catch (Exception e)
        {
            handler.OnFault(e);
        }
    }

    private void RunPosted()
    {
        while (_posted.TryDequeue(out var item))
        {
            try
            {
                item.Action(item.State);
            }
            catch (Exception e)
            {
                // Posted work handles its own failures; one that does not must not take the loop's sessions down.
                Environment.FailFast("a posted event-loop action threw", e);
            }
        }
    }

    private sealed record Entry(ILoopHandler? Handler, uint Generation);

    /// <summary>A descriptor's place in a loop: its slot and the generation that tells stale events apart.</summary>
    internal readonly record struct Registration(EventLoop Loop, int Fd, int Slot, uint Generation)
    {
        public ulong Data => ((ulong)Generation << 32) | (uint)Slot;
    }
}
