namespace Sluice.Core.Recording;

/// <summary>
/// Records one session. Appends encode events into an in-memory buffer under a short lock and return;
/// a background flusher compresses and writes them as frames at least every
/// <see cref="RecordingOptions.FlushInterval"/>, or sooner when the buffer fills. Thread-safe: the client
/// and upstream relay loops call it concurrently. Steady-state appends allocate nothing.
/// </summary>
/// <remarks>
/// Recording never fails a session: an event too large to keep, or one that arrives while the writer is
/// far behind, is counted and reported in a note instead; after a disk error recording stops and
/// <see cref="Fault"/> says why.
/// </remarks>
public sealed partial class SessionRecorder : IAsyncDisposable
{
    /// <summary>Above this many buffered bytes the flusher is woken before its interval.</summary>
    internal const int HighWaterBytes = 4 * 1024 * 1024;

    /// <summary>Above this many buffered bytes new events are dropped and counted, so memory stays bounded.</summary>
    internal const int MaxPendingBytes = 64 * 1024 * 1024;

    /// <summary>Names, tags, codes and messages are cut to this many bytes.</summary>
    internal const int MaxShortFieldBytes = 64 * 1024;

    // Buffers start small (most sessions are short queries) and grow with the traffic; past a burst, the flusher
    // trims them back towards the steady size.
    private const int InitialBufferBytes = 4 * 1024;
    private const int SteadyBufferBytes = 64 * 1024;

    private readonly Lock _lock = new();
    private readonly RecordingOptions _options;
    private readonly EventBuffer _active = new(InitialBufferBytes);
    private long _budgetUsed;
    private long _rowsRecorded;
    private bool _budgetExceeded;
    private long _statements;
    private long _rows;
    private long _bytes;
    private long _dropped;
    private bool _closed;

    internal SessionRecorder(string path, SessionHeader header, RecordingOptions options)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(options.FlushInterval, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfNegative(options.RowBytesPerStatement);
        _options = options;
        SessionId = header.SessionId;
        FilePath = path;
        _writer = new FrameWriter(path, options.ZstdLevel, options.Fsync);
        try
        {
            // The header frame is written before the session starts relaying, so even a crash in the
            // first second leaves a recording that names who connected.
            AppendSessionStarted(header);
            FlushPending();
            if (_fault is not null)
            {
                throw new IOException($"Cannot write recording {path}: {_fault.Message}", _fault);
            }
        }
        catch
        {
            _writer.Dispose();
            _active.Dispose();
            _flushing.Dispose();
            FrameWriter.TryDelete(path);
            throw;
        }

        _flusher = Task.Run(RunFlusherAsync);
    }

    /// <summary>A recorder that records nothing, for a session allowed to run although its recording failed.</summary>
    private SessionRecorder(string sessionId, string path, RecordingOptions options, Exception reason)
    {
        _options = options;
        SessionId = sessionId;
        FilePath = path;
        _fault = reason;
        _faulted.TrySetResult(reason);
        _closed = true;
        _writerClosed = true;
        _flusher = Task.CompletedTask;
    }

    /// <summary>
    /// A recorder for a session that runs unrecorded because its recording could not be created
    /// (<paramref name="reason"/>): every call is accepted and ignored, and <see cref="Fault"/> says why.
    /// </summary>
    public static SessionRecorder Unrecorded(string sessionId, string intendedPath, RecordingOptions options, Exception reason)
    {
        ArgumentException.ThrowIfNullOrEmpty(sessionId);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(reason);
        return new SessionRecorder(sessionId, intendedPath, options, reason);
    }

    public string SessionId { get; }

    public string FilePath { get; }

    /// <summary>Events not recorded because they were too large or the writer was too far behind.</summary>
    public long DroppedEvents => Interlocked.Read(ref _dropped);

    /// <summary>Records a client request; text over 16 MiB is cut and marked as such.</summary>
    public void Request(RequestKind kind, ReadOnlySpan<byte> nameUtf8, ReadOnlySpan<byte> textUtf8)
    {
        nameUtf8 = Clip(nameUtf8, MaxShortFieldBytes);
        bool textTruncated = textUtf8.Length > RecordingFormat.MaxFieldBytes;
        textUtf8 = Clip(textUtf8, RecordingFormat.MaxFieldBytes);
        int body = 8 + 1 + 1 + 4 + nameUtf8.Length + 4 + textUtf8.Length;
        lock (_lock)
        {
            if (!CanAppend(body, dropWhenFull: true))
            {
                return;
            }

            bool known = kind is >= RequestKind.Query and <= RequestKind.Other;
            _active.BeginEvent(EventType.Request, body, Now());
            _active.WriteByte((byte)(known ? kind : RequestKind.Other));
            _active.WriteBool(textTruncated);
            _active.WriteBlob(nameUtf8);
            _active.WriteBlob(textUtf8);
            Appended();
        }
    }

    /// <summary>
    /// Records bind parameter values, only when <see cref="RecordingOptions.BindParameters"/> is set.
    /// </summary>
    public void Parameters(ReadOnlySpan<byte> cells)
    {
        if (!_options.BindParameters)
        {
            return;
        }

        if (!CellsCodec.IsValid(cells))
        {
            Interlocked.Increment(ref _dropped);
            return;
        }

        AppendCells(EventType.Parameters, cells);
    }

    /// <summary>Starts a result: records its columns and resets the statement's row budget.</summary>
    public void Columns(ReadOnlySpan<RecordedColumn> columns)
    {
        if (columns.Length > ushort.MaxValue)
        {
            columns = columns[..ushort.MaxValue];
        }

        int body = 8 + 2;
        foreach (var column in columns)
        {
            body += EventBuffer.StringSize(column.Name ?? string.Empty)
                + EventBuffer.StringSize(column.TypeName ?? string.Empty) + 1;
        }

        lock (_lock)
        {
            _budgetUsed = 0;
            _rowsRecorded = 0;
            _budgetExceeded = false;
            if (!CanAppend(body, dropWhenFull: true))
            {
                return;
            }

            _active.BeginEvent(EventType.Columns, body, Now());
            _active.WriteUInt16((ushort)columns.Length);
            foreach (var column in columns)
            {
                // A default RecordedColumn has null names; the format has no null there.
                _active.WriteString(column.Name ?? string.Empty);
                _active.WriteString(column.TypeName ?? string.Empty);
                _active.WriteBool(column.IsBinary);
            }

            Appended();
        }
    }

    /// <summary>
    /// Records a row as the client received it, while the statement's budget lasts; after that the row is
    /// only reflected in the counts passed to <see cref="Completed"/>.
    /// </summary>
    public void Row(ReadOnlySpan<byte> cells)
    {
        bool valid = cells.Length <= RecordingFormat.MaxFieldBytes && CellsCodec.IsValid(cells);
        int body = 8 + 4 + cells.Length;
        lock (_lock)
        {
            if (!valid || !TakeBudget(cells.Length) || !CanAppend(body, dropWhenFull: false))
            {
                _budgetExceeded = true;
                return;
            }

            _active.BeginEvent(EventType.Row, body, Now());
            _active.WriteBlob(cells);
            _rowsRecorded++;
            Appended();
        }
    }

    /// <summary>Records COPY data in either direction, sharing the statement's row budget.</summary>
    public void CopyData(ReadOnlySpan<byte> chunk, bool fromClient)
    {
        int body = 8 + 1 + 4 + chunk.Length;
        lock (_lock)
        {
            if (chunk.Length > RecordingFormat.MaxFieldBytes || !TakeBudget(chunk.Length)
                || !CanAppend(body, dropWhenFull: false))
            {
                _budgetExceeded = true;
                return;
            }

            _active.BeginEvent(EventType.CopyData, body, Now());
            _active.WriteBool(fromClient);
            _active.WriteBlob(chunk);
            Appended();
        }
    }

    /// <summary>Ends a statement with the counts the client saw; resets the row budget.</summary>
    public void Completed(ReadOnlySpan<byte> tagUtf8, long rows, long bytes)
    {
        tagUtf8 = Clip(tagUtf8, MaxShortFieldBytes);
        int body = 8 + 4 + tagUtf8.Length + 8 + 8 + 8 + 1;
        lock (_lock)
        {
            if (_closed)
            {
                return;
            }

            _statements++;
            _rows += rows;
            _bytes += bytes;
            if (CanAppend(body, dropWhenFull: true))
            {
                _active.BeginEvent(EventType.Completed, body, Now());
                _active.WriteBlob(tagUtf8);
                _active.WriteInt64(rows);
                _active.WriteInt64(bytes);
                _active.WriteInt64(_rowsRecorded);
                _active.WriteBool(_budgetExceeded);
                Appended();
            }

            _budgetUsed = 0;
            _rowsRecorded = 0;
            _budgetExceeded = false;
        }
    }

    /// <summary>Records an error sent to the client.</summary>
    public void Error(bool fatal, ReadOnlySpan<byte> codeUtf8, ReadOnlySpan<byte> messageUtf8)
    {
        codeUtf8 = Clip(codeUtf8, MaxShortFieldBytes);
        messageUtf8 = Clip(messageUtf8, MaxShortFieldBytes);
        int body = 8 + 1 + 4 + codeUtf8.Length + 4 + messageUtf8.Length;
        lock (_lock)
        {
            if (!CanAppend(body, dropWhenFull: true))
            {
                return;
            }

            _active.BeginEvent(EventType.Error, body, Now());
            _active.WriteBool(fatal);
            _active.WriteBlob(codeUtf8);
            _active.WriteBlob(messageUtf8);
            Appended();
        }
    }

    /// <summary>Records a notice sent to the client.</summary>
    public void Notice(ReadOnlySpan<byte> codeUtf8, ReadOnlySpan<byte> messageUtf8)
    {
        codeUtf8 = Clip(codeUtf8, MaxShortFieldBytes);
        messageUtf8 = Clip(messageUtf8, MaxShortFieldBytes);
        int body = 8 + 4 + codeUtf8.Length + 4 + messageUtf8.Length;
        lock (_lock)
        {
            if (!CanAppend(body, dropWhenFull: true))
            {
                return;
            }

            _active.BeginEvent(EventType.Notice, body, Now());
            _active.WriteBlob(codeUtf8);
            _active.WriteBlob(messageUtf8);
            Appended();
        }
    }

    /// <summary>Records a free-form line, such as ("cancel", "client requested cancel").</summary>
    public void Note(string kind, string detail)
    {
        ArgumentNullException.ThrowIfNull(kind);
        ArgumentNullException.ThrowIfNull(detail);
        int body = 8 + EventBuffer.StringSize(kind) + EventBuffer.StringSize(detail);
        lock (_lock)
        {
            if (!CanAppend(body, dropWhenFull: true))
            {
                return;
            }

            AppendNoteLocked(kind, detail, body);
        }
    }

    private static long Now() => RecordingFormat.ToMicros(DateTimeOffset.UtcNow);

    /// <summary>Cuts UTF-8 text to at most <paramref name="max"/> bytes without splitting a character.</summary>
    private static ReadOnlySpan<byte> Clip(ReadOnlySpan<byte> utf8, int max)
    {
        if (utf8.Length <= max)
        {
            return utf8;
        }

        int end = max;
        while (end > 0 && (utf8[end] & 0xC0) == 0x80)
        {
            end--;
        }

        return utf8[..end];
    }

    private void AppendCells(EventType type, ReadOnlySpan<byte> cells)
    {
        int body = 8 + 4 + cells.Length;
        lock (_lock)
        {
            if (!CanAppend(body, dropWhenFull: true))
            {
                return;
            }

            _active.BeginEvent(type, body, Now());
            _active.WriteBlob(cells);
            Appended();
        }
    }

    /// <summary>
    /// Replaces nulls in fields the format stores as plain strings, so a careless caller cannot produce
    /// a recording the strict reader would reject.
    /// </summary>
    private static SessionHeader Normalize(SessionHeader header) => header with
    {
        Subject = header.Subject ?? string.Empty,
        Groups = header.Groups is null ? [] : [.. header.Groups.Select(g => g ?? string.Empty)],
        AuthMethod = header.AuthMethod ?? string.Empty,
        Issuer = header.Issuer ?? string.Empty,
        Connection = header.Connection ?? string.Empty,
        Protocol = header.Protocol ?? string.Empty,
        ClientAddress = header.ClientAddress ?? string.Empty,
        Upstream = header.Upstream ?? string.Empty,
    };

    private void AppendSessionStarted(SessionHeader header)
    {
        header = Normalize(header);
        int body = 8 + EventBuffer.StringSize(header.SessionId) + 8 + EventBuffer.StringSize(header.Subject) + 2;
        foreach (var group in header.Groups)
        {
            body += EventBuffer.StringSize(group);
        }

        body += EventBuffer.StringSize(header.AuthMethod) + EventBuffer.StringSize(header.Issuer)
            + EventBuffer.StringSize(header.Connection) + EventBuffer.StringSize(header.Protocol)
            + EventBuffer.StringSize(header.ClientAddress) + EventBuffer.StringSize(header.ClientUser)
            + EventBuffer.StringSize(header.ApplicationName) + EventBuffer.StringSize(header.Upstream) + 1;
        if (body > RecordingFormat.MaxEventBytes || header.Groups.Count > ushort.MaxValue)
        {
            throw new ArgumentException("The session header is too large to record.", nameof(header));
        }

        lock (_lock)
        {
            _active.BeginEvent(EventType.SessionStarted, body, Now());
            _active.WriteString(header.SessionId);
            _active.WriteInt64(RecordingFormat.ToMicros(header.StartedAt));
            _active.WriteString(header.Subject);
            _active.WriteUInt16((ushort)header.Groups.Count);
            foreach (var group in header.Groups)
            {
                _active.WriteString(group);
            }

            _active.WriteString(header.AuthMethod);
            _active.WriteString(header.Issuer);
            _active.WriteString(header.Connection);
            _active.WriteString(header.Protocol);
            _active.WriteString(header.ClientAddress);
            _active.WriteString(header.ClientUser);
            _active.WriteString(header.ApplicationName);
            _active.WriteString(header.Upstream);
            _active.WriteBool(header.ClientTls);
        }
    }

    private void AppendNoteLocked(string kind, string detail, int body)
    {
        _active.BeginEvent(EventType.Note, body, Now());
        _active.WriteString(kind);
        _active.WriteString(detail);
        Appended();
    }

    private void AppendSessionEndedLocked(string reason)
    {
        int body = 8 + EventBuffer.StringSize(reason) + 8 + 8 + 8;
        _active.BeginEvent(EventType.SessionEnded, body, Now());
        _active.WriteString(reason);
        _active.WriteInt64(_statements);
        _active.WriteInt64(_rows);
        _active.WriteInt64(_bytes);
    }

    /// <summary>Charges the statement budget; false once it is spent (and for the rest of the statement).</summary>
    private bool TakeBudget(int length)
    {
        if (_budgetExceeded || _budgetUsed + length > _options.RowBytesPerStatement)
        {
            return false;
        }

        _budgetUsed += length;
        return true;
    }

    /// <summary>Whether an event with this body may go into the buffer; counts it as dropped if not.</summary>
    private bool CanAppend(int body, bool dropWhenFull)
    {
        if (_closed)
        {
            return false;
        }

        if (body > RecordingFormat.MaxEventBytes
            || _active.Length + RecordingFormat.EventHeaderSize + body > MaxPendingBytes)
        {
            if (dropWhenFull)
            {
                Interlocked.Increment(ref _dropped);
            }

            return false;
        }

        return true;
    }

    private void Appended()
    {
        if (_active.Length >= HighWaterBytes && !_wakeRequested)
        {
            _wakeRequested = true;
            _wake.Release();
        }
    }
}
