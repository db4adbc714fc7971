using System.Collections.Concurrent;

namespace Sluice.Core.Policy;

/// <summary>
/// Rows and bytes returned to each identity over a rolling window, kept in memory and shared by all of
/// the identity's sessions. Counts are lost on restart, which errs on the side of allowing traffic;
/// the recordings remain the durable account of what was read.
/// </summary>
public sealed class RollingVolume
{
    /// <summary>Adds closer together than this share one slot, so a busy identity holds a bounded list.</summary>
    private const int SlotsPerWindow = 64;

    private readonly ConcurrentDictionary<string, Tally> _tallies = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;
    private readonly long _slotTicks;

    public RollingVolume(
        string ruleName, long? rows, long? bytes, TimeSpan window, ApprovalMode mode, TimeProvider time,
        TimeSpan timeout = default)
    {
        ArgumentNullException.ThrowIfNull(ruleName);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(window, TimeSpan.Zero);
        if (rows is null && bytes is null)
        {
            throw new ArgumentException("a rolling volume needs a row or a byte threshold", nameof(rows));
        }

        RuleName = ruleName;
        Rows = rows;
        Bytes = bytes;
        Window = window;
        Mode = mode;
        Timeout = timeout;
        _time = time;
        _slotTicks = Math.Max(1, window.Ticks / SlotsPerWindow);
    }

    public string RuleName { get; }

    public long? Rows { get; }

    public long? Bytes { get; }

    public TimeSpan Window { get; }

    public ApprovalMode Mode { get; }

    public TimeSpan Timeout { get; }

    /// <summary>
    /// Counts what one statement returned to <paramref name="subject"/> and says whether the identity is now
    /// above a threshold within the window. It keeps saying so until enough of the window has passed.
    /// </summary>
    public bool Add(string subject, long rows, long bytes)
    {
        ArgumentNullException.ThrowIfNull(subject);
        var tally = _tallies.GetOrAdd(subject, static _ => new Tally());
        var now = _time.GetUtcNow().UtcTicks;
        lock (tally)
        {
            tally.Expire(now - Window.Ticks);
            tally.Add(now, _slotTicks, Math.Max(0, rows), Math.Max(0, bytes));
            return tally.Rows > Rows || tally.Bytes > Bytes;
        }
    }

    /// <summary>Rows and bytes counted for <paramref name="subject"/> within the window as of now.</summary>
    public (long Rows, long Bytes) Current(string subject)
    {
        ArgumentNullException.ThrowIfNull(subject);
        if (!_tallies.TryGetValue(subject, out var tally))
        {
            return (0, 0);
        }

        lock (tally)
        {
            tally.Expire(_time.GetUtcNow().UtcTicks - Window.Ticks);
            return (tally.Rows, tally.Bytes);
        }
    }

    /// <summary>One identity's slots, oldest first, with running totals.</summary>
    private sealed class Tally
    {
        private readonly Queue<Slot> _slots = new();
        private Slot? _newest;

        public long Rows { get; private set; }

        public long Bytes { get; private set; }

        /// <summary>
        /// Drops slots whose latest add is at or before <paramref name="cutoff"/>. A slot is stamped with its
        /// latest add, so an early add in it lingers up to one slot longer: the window errs on counting.
        /// </summary>
        public void Expire(long cutoff)
        {
            while (_slots.TryPeek(out var oldest) && oldest.Last <= cutoff)
            {
                _slots.Dequeue();
                Rows -= oldest.Rows;
                Bytes -= oldest.Bytes;
                if (ReferenceEquals(oldest, _newest))
                {
                    _newest = null;
                }
            }
        }

        public void Add(long now, long slotTicks, long rows, long bytes)
        {
            if (_newest is null || now - _newest.First >= slotTicks)
            {
                _newest = new Slot(now);
                _slots.Enqueue(_newest);
            }

            _newest.Last = now;
            _newest.Rows = Saturate(_newest.Rows, rows);
            _newest.Bytes = Saturate(_newest.Bytes, bytes);
            Rows = Saturate(Rows, rows);
            Bytes = Saturate(Bytes, bytes);
        }

        private static long Saturate(long a, long b) => a > long.MaxValue - b ? long.MaxValue : a + b;
    }

    private sealed class Slot(long first)
    {
        public long First { get; } = first;

        public long Last { get; set; } = first;

        public long Rows { get; set; }

        public long Bytes { get; set; }
    }
}
