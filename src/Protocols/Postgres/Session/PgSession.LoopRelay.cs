using System.Buffers;
using System.Buffers.Binary;
using Sluice.Core.Transport;

namespace Sluice.Protocols.Postgres;

/// <summary>
/// The relay for plaintext sessions on Linux: both sockets are driven by one event-loop thread, which reads what a
/// socket has, judges and forwards the whole frames in it, and writes them to the other socket, all in one pass
/// with no hand-over between threads. Small queries then cost what they cost in a C proxy: one read and one write
/// a message, and no thread woken to run a continuation. Everything that may wait (a catalog lookup, an approval,
/// a recording failure, the session being ended) arrives as a posted action on the same thread.
/// </summary>
internal sealed partial class PgSession
{
    /// <summary>Relays until either side ends; returns the outcome and leaves unsent bytes in the pipes' writers.</summary>
    private async Task<PgRelayOutcome> RelayOnLoopAsync(
        LoopSocket client, LoopSocket upstream, RelayPipes pipes, CancellationToken cancellationToken)
    {
        upstream.MoveTo(client.Loop);
        var relay = new LoopRelay(this, client, upstream);
        PgRelayOutcome outcome;
        try
        {
            client.Loop.Post(static state => ((LoopRelay)state!).Start(), relay);
            using (cancellationToken.UnsafeRegister(static state => ((LoopRelay)state!).PostStop(), relay))
            {
                _ = _recorder!.Faulted.ContinueWith(
                    static (_, state) => ((LoopRelay)state!).PostRecordingFault(), relay,
                    CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
                outcome = await relay.Completion;
            }

            // Whatever the sockets did not take when the relay ended (a Terminate, the rows before a refusal) goes
            // out on the closing path, after which errors and goodbyes are written.
            if (relay.ToUpstream.MoveTo(pipes.UpstreamWriter) && !cancellationToken.IsCancellationRequested)
            {
                await TryFlushAsync(pipes.UpstreamWriter);
            }

            if (relay.ToClient.MoveTo(pipes.ClientWriter) && !cancellationToken.IsCancellationRequested)
            {
                await TryFlushAsync(pipes.ClientWriter);
            }
        }
        finally
        {
            relay.Dispose();
        }

        return outcome;
    }

    private sealed class LoopRelay : ISocketRelay, IDisposable
    {
        private readonly PgSession _session;
        private readonly LoopSocket _client;
        private readonly LoopSocket _upstream;
        private readonly Direction _frontend;
        private readonly Direction _backend;
        private readonly TaskCompletionSource<PgRelayOutcome> _done = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private PgRelayOutcome? _outcome;
        private Exception? _failure;
        private bool _completed;
        private bool _clientRead;
        private bool _clientWrite;
        private bool _upstreamRead;
        private bool _upstreamWrite;

        public LoopRelay(PgSession session, LoopSocket client, LoopSocket upstream)
        {
            _session = session;
            _client = client;
            _upstream = upstream;
            _frontend = new Direction(this, fromClient: true, client, upstream);
            _backend = new Direction(this, fromClient: false, upstream, client);
        }

        public Task<PgRelayOutcome> Completion => _done.Task;

        /// <summary>Bytes judged and bound for the upstream that it had not taken when the relay ended.</summary>
        public PgRelayOutput ToUpstream => _frontend.Output;

        /// <summary>Bytes judged and bound for the client that it had not taken when the relay ended.</summary>
        public PgRelayOutput ToClient => _backend.Output;

        private bool Ended => _outcome is not null || _failure is not null;

        private PgSession Session => _session;

        public void Start() => Guarded(static relay => relay.BeginRelay(), this);

        public void PostStop() => Post(static relay => relay.End(PgRelayOutcome.Closed(null)));

        public void PostRecordingFault() => Post(static relay => relay.EndIfRecordingLost());

        public void OnReady(LoopSocket socket, bool readable, bool writable, bool failed)
        {
            if (!Ended)
            {
                var (inbound, outbound) = socket == _client ? (_frontend, _backend) : (_backend, _frontend);
                if (writable)
                {
                    outbound.Resume();
                }

                if (readable && !Ended)
                {
                    if (inbound.Reading)
                    {
                        inbound.Pump();
                    }
                    else if (failed)
                    {
                        // Reset while this side waits (for the other side to drain, or for a lookup): level-triggered
                        // hang-ups would repeat forever, and the connection is gone anyway.
                        inbound.Lost("the connection was reset");
                    }
                }
            }

            Settle();
        }

        public void OnFault(LoopSocket socket, Exception exception)
        {
            _failure ??= exception;
            Settle();
        }

        /// <summary>Ends the relay with <paramref name="outcome"/>; the first end decides. Loop thread only.</summary>
        public void End(PgRelayOutcome outcome) => _outcome ??= outcome;

        /// <summary>Ends the relay with an exception that the session reports as an internal error.</summary>
        public void Fail(Exception exception) => _failure ??= exception;

        /// <summary>Returns the buffers; after <see cref="Completion"/>, when the loop no longer touches them.</summary>
        public void Dispose()
        {
            _frontend.Dispose();
            _backend.Dispose();
        }

        private void BeginRelay()
        {
            if (!Ended)
            {
                _client.StartRelay(this);
                _upstream.StartRelay(this);
                _clientRead = _upstreamRead = true;
            }
        }

        private void EndIfRecordingLost()
        {
            if (!Ended && Session.RecordingLost() is { } failed)
            {
                End(failed);
            }
        }

        /// <summary>Runs <paramref name="action"/> on the loop's thread; once or twice a session, so it may allocate.</summary>
        private void Post(Action<LoopRelay> action) => _client.Loop.Post(
            static state =>
            {
                var (relay, posted) = ((LoopRelay, Action<LoopRelay>))state!;
                relay.Guarded(posted, relay);
            },
            (this, action));

        /// <summary>
        /// Runs a posted action and settles: whatever it throws ends this relay, never the loop that runs every
        /// other session.
        /// </summary>
        private void Guarded<T>(Action<T> action, T state)
        {
            try
            {
                action(state);
            }
            catch (Exception e)
            {
                Fail(e);
            }

            Settle();
        }

        /// <summary>
        /// Called as each entry from the loop finishes: either completes the relay (only here, so that the session's
        /// closing code never runs while this thread still has the relay's state on its stack) or updates what the
        /// two sockets are watched for.
        /// </summary>
        private void Settle()
        {
            if (_completed)
            {
                return;
            }

            if (Ended)
            {
                _completed = true;
                _client.StopRelay();
                _upstream.StopRelay();
                if (_failure is not null)
                {
                    _done.TrySetException(_failure);
                }
                else
                {
                    _done.TrySetResult(_outcome!.Value);
                }

                return;
            }

            try
            {
                UpdateWatches();
            }
            catch (IOException e)
            {
                // epoll refused to change a watch: the relay cannot go on, and completes now rather than hang.
                Fail(e);
                Settle();
            }
        }

        private void UpdateWatches()
        {
            // Only changes reach epoll: in steady traffic neither socket's watch is touched.
            bool clientRead = _frontend.Reading, clientWrite = _backend.Output.HasUnsent;
            if (clientRead != _clientRead || clientWrite != _clientWrite)
            {
                _client.WatchRelay(clientRead, clientWrite);
                (_clientRead, _clientWrite) = (clientRead, clientWrite);
            }

            bool upstreamRead = _backend.Reading, upstreamWrite = _frontend.Output.HasUnsent;
            if (upstreamRead != _upstreamRead || upstreamWrite != _upstreamWrite)
            {
                _upstream.WatchRelay(upstreamRead, upstreamWrite);
                (_upstreamRead, _upstreamWrite) = (upstreamRead, upstreamWrite);
            }
        }

        /// <summary>
        /// One direction: reads from its source into a buffer held only while bytes are in it (an idle session holds
        /// none), forwards the whole frames, and stops reading while its output waits for the sink (backpressure)
        /// or a frame waits for a lookup.
        /// </summary>
        private sealed class Direction : IDisposable
        {
            private readonly LoopRelay _relay;
            private readonly bool _fromClient;
            private readonly LoopSocket _source;
            private readonly LoopSocket _sink;
            private readonly PgFrameScratch _scratch;
            private readonly int _maxMessageBytes;
            private byte[]? _input;
            private int _start;
            private int _end;
            private Task? _lookup;

            public Direction(LoopRelay relay, bool fromClient, LoopSocket source, LoopSocket sink)
            {
                _relay = relay;
                _fromClient = fromClient;
                _source = source;
                _sink = sink;
                _maxMessageBytes = relay.Session.MaxMessageBytes;
                _scratch = new PgFrameScratch(_maxMessageBytes);
            }

            public PgRelayOutput Output { get; } = new();

            public bool Reading => _lookup is null && !Output.HasUnsent && !_relay.Ended;

            private PgSession Session => _relay.Session;

            /// <summary>Reads and forwards until the source has nothing more now, or this direction must wait.</summary>
            public void Pump()
            {
                while (Reading)
                {
                    var space = ReadSpace();
                    int n;
                    try
                    {
                        n = _source.TryReceive(space);
                    }
                    catch (IOException e)
                    {
                        Lost(e.Message);
                        return;
                    }

                    if (n < 0)
                    {
                        ReleaseInputIfEmpty();
                        return;
                    }

                    if (n == 0)
                    {
                        _relay.End(Session.EndOfStream(_fromClient, midMessage: _start < _end));
                        return;
                    }

                    _end += n;
                    if (!Forward() || n < space.Length)
                    {
                        // A short read emptied the socket; level-triggered readiness brings us back for more.
                        return;
                    }
                }
            }

            /// <summary>The sink can take more: sends what waits, then reads again if nothing does.</summary>
            public void Resume()
            {
                if (Output.HasUnsent && Send())
                {
                    // Nothing new is read here: the loop reports the source readable if it is.
                    ReleaseInputIfEmpty();
                }
            }

            /// <summary>The source's connection failed (<paramref name="message"/> says how).</summary>
            public void Lost(string message) => _relay.End(Session.ConnectionLost(client: _fromClient, message));

            public void Dispose()
            {
                if (_input is not null)
                {
                    ArrayPool<byte>.Shared.Return(_input);
                    _input = null;
                }

                Output.Release();
                _scratch.Dispose();
            }

            /// <summary>Judges and forwards the whole frames buffered; false when this direction must wait or end.</summary>
            private bool Forward()
            {
                var session = Session;
                if (session._recorder!.Fault is not null && session.RecordingLost() is { } recordingFailed)
                {
                    // Recording is the condition of access: nothing more passes once it cannot be recorded.
                    _relay.End(recordingFailed);
                    return false;
                }

                var buffer = new ReadOnlySequence<byte>(_input!, _start, _end - _start);
                var outcome = PgFrameForwarder.Forward(
                    buffer, Output, session._inspector!, _fromClient, _scratch, _maxMessageBytes, out var consumed);
                _start += (int)buffer.Slice(buffer.Start, consumed).Length;
                if (outcome.Pending is { } pending)
                {
                    // Forward what was judged already, and judge the rest again once the lookup is done.
                    _lookup = pending;
                    Send();
                    pending.ContinueWith(
                        static (_, state) => ((Direction)state!).PostLookupDone(), this,
                        CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
                    return false;
                }

                if (outcome.Rejects)
                {
                    PgLog.ProtocolViolation(session._logger, session.SessionId, _fromClient ? "client" : "upstream", outcome.Reason!);
                }

                if (outcome.Ends)
                {
                    // What was judged before the end is sent as far as the sink takes it now; the rest on closing.
                    Send();
                    _relay.End(outcome);
                    return false;
                }

                return Send();
            }

            /// <summary>Writes what the sink takes now; false when some waits (the sink is then watched).</summary>
            private bool Send()
            {
                while (Output.HasUnsent)
                {
                    int n;
                    try
                    {
                        n = _sink.TrySend(Output.Unsent);
                    }
                    catch (IOException e)
                    {
                        // Writing failed, so it is the other side that is gone.
                        _relay.End(Session.ConnectionLost(client: !_fromClient, e.Message));
                        return false;
                    }

                    if (n == 0)
                    {
                        return false;
                    }

                    Output.Sent(n);
                }

                return !_relay.Ended;
            }

            private void PostLookupDone() =>
                _source.Loop.Post(static state => ((Direction)state!).LookupDone(), this);

            private void LookupDone() => _relay.Guarded(static direction => direction.ContinueAfterLookup(), this);

            private void ContinueAfterLookup()
            {
                var lookup = _lookup!;
                _lookup = null;
                if (!_relay.Ended)
                {
                    if (lookup.IsFaulted)
                    {
                        var error = lookup.Exception!.InnerException!;
                        if (error is PgCatalogException or PgUpstreamException or IOException or PgProtocolException
                            or System.Net.Sockets.SocketException)
                        {
                            PgLog.CatalogLookupFailed(Session._logger, Session.SessionId, error.Message);
                            _relay.End(PgRelayOutcome.MaskingFailed("the catalog lookup it needs failed"));
                        }
                        else
                        {
                            _relay.Fail(error);
                        }
                    }
                    else if (lookup.IsCanceled)
                    {
                        _relay.Fail(new TaskCanceledException(lookup));
                    }
                    else if (Forward())
                    {
                        // The frames held back are through; more may be waiting in the socket.
                        ReleaseInputIfEmpty();
                        Pump();
                    }
                }
            }

            /// <summary>
            /// Room for the next read: a pooled buffer when there is none, the partial frame moved to the front when
            /// the tail runs short, and a larger buffer when one frame needs it (never beyond the message limit,
            /// which the forwarder checked against the frame's declared length).
            /// </summary>
            private Span<byte> ReadSpace()
            {
                if (_input is null)
                {
                    _input = ArrayPool<byte>.Shared.Rent(PipeBufferBytes);
                    _start = _end = 0;
                    return _input;
                }

                const int MinimumReadBytes = 4096;
                if (_input.Length - _end >= MinimumReadBytes)
                {
                    return _input.AsSpan(_end);
                }

                int held = _end - _start;
                int needed = Math.Max(held + MinimumReadBytes, PipeBufferBytes);
                if (held >= 5)
                {
                    // The forwarder stopped at a partial frame whose declared length it has already accepted.
                    int frame = 1 + BinaryPrimitives.ReadInt32BigEndian(_input.AsSpan(_start + 1));
                    needed = Math.Max(needed, frame);
                }

                var target = needed <= _input.Length ? _input : ArrayPool<byte>.Shared.Rent(needed);
                _input.AsSpan(_start, held).CopyTo(target);
                if (target != _input)
                {
                    ArrayPool<byte>.Shared.Return(_input);
                    _input = target;
                }

                _start = 0;
                _end = held;
                return _input.AsSpan(_end);
            }

            private void ReleaseInputIfEmpty()
            {
                if (_input is not null && _start == _end && _lookup is null)
                {
                    ArrayPool<byte>.Shared.Return(_input);
                    _input = null;
                    _start = _end = 0;
                }
            }
        }
    }
}
