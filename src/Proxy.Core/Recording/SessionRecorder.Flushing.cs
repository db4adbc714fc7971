using System.Globalization;

namespace Sluice.Core.Recording;

/// <summary>The flusher and completion half of <see cref="SessionRecorder"/>.</summary>
public sealed partial class SessionRecorder
{
    private readonly FrameWriter? _writer;
    private readonly TaskCompletionSource<Exception> _faulted = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly EventBuffer _flushing = new(InitialBufferBytes);

    // Serialises frame writing between the flusher, Flush() and completion; appends never take it.
    private readonly Lock _writeLock = new();
    private readonly SemaphoreSlim _wake = new(0, int.MaxValue);
    private readonly Task _flusher;
    private bool _wakeRequested;
    private bool _writerClosed;
    private volatile bool _stopping;
    private Exception? _fault;
    private Task? _completion;
    private long _droppedReported;

    /// <summary>The disk error that stopped recording, if any; events after it are lost.</summary>
    public Exception? Fault => Volatile.Read(ref _fault);

    /// <summary>
    /// Completes with the disk error when recording stops because of one, so a session can end at once
    /// instead of at its next message; never completes for a recorder that does not fail.
    /// </summary>
    public Task<Exception> Faulted => _faulted.Task;

    /// <summary>Whether this recorder writes a file (false for <see cref="Unrecorded"/>).</summary>
    public bool IsRecording => _writer is not null;

    /// <summary>Hash of the last frame, in lower-case hex, once the recorder has completed.</summary>
    public string? FinalHashHex { get; private set; }

    /// <summary>Writes buffered events as a frame now instead of at the next interval.</summary>
    public void Flush()
    {
        if (_completion is null)
        {
            FlushPending();
        }
    }

    /// <summary>
    /// Records the session end with <paramref name="reason"/>, writes the last frame and closes the file.
    /// Later calls return the first call's task.
    /// </summary>
    public ValueTask CompleteAsync(string reason)
    {
        ArgumentNullException.ThrowIfNull(reason);
        lock (_lock)
        {
            if (_completion is null)
            {
                // Forced past the pending limit: a complete recording always ends with its reason.
                if (!_closed)
                {
                    AppendSessionEndedLocked(reason);
                }

                _closed = true;
                _completion = FinishAsync();
            }

            return new ValueTask(_completion);
        }
    }

    public ValueTask DisposeAsync() => CompleteAsync("disposed");

    private async Task FinishAsync()
    {
        // Let CompleteAsync leave its lock before any disk work happens.
        await Task.Yield();
        _stopping = true;
        _wake.Release();
        await _flusher.ConfigureAwait(false);
        FlushPending();
        lock (_writeLock)
        {
            FinalHashHex = _writer?.LastHashHex;
            _writerClosed = true;
            _writer?.Dispose();
            _flushing.Dispose();
        }

        lock (_lock)
        {
            _active.Dispose();
        }

        _wake.Dispose();
    }

    private async Task RunFlusherAsync()
    {
        while (!_stopping)
        {
            await _wake.WaitAsync(_options.FlushInterval).ConfigureAwait(false);
            if (_stopping)
            {
                return;
            }

            FlushPending();
        }
    }

    private void FlushPending()
    {
        lock (_writeLock)
        {
            if (_writerClosed)
            {
                return;
            }

            lock (_lock)
            {
                ReportDroppedLocked();
                _active.SwapWith(_flushing);
                _wakeRequested = false;
            }

            if (_flushing.Length == 0)
            {
                return;
            }

            if (_fault is null)
            {
                try
                {
                    _writer!.Write(_flushing.WrittenSpan);
                }
#pragma warning disable CA1031 // Any writer failure must stop recording, never crash the relay.
                catch (Exception ex)
#pragma warning restore CA1031
                {
                    Volatile.Write(ref _fault, ex);
                    lock (_lock)
                    {
                        _closed = true;
                    }

                    _faulted.TrySetResult(ex);
                }
            }

            _flushing.ClearAndTrim(SteadyBufferBytes);
        }
    }

    private void ReportDroppedLocked()
    {
        long dropped = Interlocked.Read(ref _dropped);
        if (dropped == _droppedReported || _closed)
        {
            return;
        }

        string detail = string.Create(
            CultureInfo.InvariantCulture,
            $"{dropped - _droppedReported} events not recorded: too large or writer behind");
        _droppedReported = dropped;
        AppendNoteLocked("recording", detail, 8 + EventBuffer.StringSize("recording") + EventBuffer.StringSize(detail));
    }
}
