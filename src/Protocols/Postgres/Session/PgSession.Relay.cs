using System.IO.Pipelines;
using Sluice.Core.Transport;

namespace Sluice.Protocols.Postgres;

internal sealed partial class PgSession
{
    /// <summary>Large reads keep bulk results moving in few system calls.</summary>
    private const int PipeBufferBytes = 64 * 1024;

    private const string ClientDisconnected = "client disconnected without Terminate";

    /// <summary>
    /// Relays both directions until either side ends. Bytes are forwarded exactly as received, in runs of
    /// whole frames (<see cref="PgFrameForwarder"/>); every frame is size-checked and inspected before it is
    /// forwarded, and anything that cannot be parsed ends the session instead of passing through.
    /// </summary>
    private async Task RelayAsync(CancellationToken cancellationToken)
    {
        var upstream = _upstream!;
        var pipes = new RelayPipes(_clientStream, upstream.Stream);
        var (clientReader, clientWriter, upstreamReader, upstreamWriter) =
            (pipes.ClientReader, pipes.ClientWriter, pipes.UpstreamReader, pipes.UpstreamWriter);
        var outcome = _clientStream is LoopSocketStream { Socket: var clientSocket }
            && upstream.Stream is LoopSocketStream { Socket: var upstreamSocket }
                ? await RelayOnLoopAsync(clientSocket, upstreamSocket, pipes, cancellationToken)
                : await RelayWithPipesAsync(pipes, cancellationToken);

        cancellationToken.ThrowIfCancellationRequested();

        // When the database ended the session with a FATAL error, that is the reason, whichever side's
        // closing the pumps happened to see first.
        _endReason = _inspector!.UpstreamFatal is { } fatal
            ? $"upstream ended the session: {fatal}"
            : outcome.Reason ?? "connection closed";
        if (outcome.ClientError is { } error)
        {
            // Both pumps have stopped, so nothing else writes to the client now.
            PgWriter.ErrorResponse(clientWriter, "FATAL", error.SqlState, error.Message);
            await TryFlushAsync(clientWriter);
            if (outcome.Rejects)
            {
                await DrainAsync(clientReader);
            }
        }

        if (outcome.Reason == ClientDisconnected && !_inspector.UpstreamSentFatal)
        {
            // End the upstream backend the way a client that says goodbye would.
            PgWriter.Terminate(upstreamWriter);
            await TryFlushAsync(upstreamWriter);
        }

        // The end reason is settled; a peer that is already gone must not change it.
        await CompleteQuietlyAsync(clientReader.CompleteAsync());
        await CompleteQuietlyAsync(upstreamReader.CompleteAsync());
        await CompleteQuietlyAsync(clientWriter.CompleteAsync());
        await CompleteQuietlyAsync(upstreamWriter.CompleteAsync());
    }

    /// <summary>The relay for TLS legs and other systems: a pump for each direction over pipes.</summary>
    private async Task<PgRelayOutcome> RelayWithPipesAsync(RelayPipes pipes, CancellationToken cancellationToken)
    {
        using var relay = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var frontend = PumpAsync(pipes.ClientReader, pipes.UpstreamWriter, fromClient: true, relay.Token);
        var backend = PumpAsync(pipes.UpstreamReader, pipes.ClientWriter, fromClient: false, relay.Token);

        var pumps = Task.WhenAny(frontend, backend);
        if (await Task.WhenAny(pumps, _recorder!.Faulted) != pumps && RecordingLost() is { } recordingFailed)
        {
            // The recorder hit a disk error while the session was quiet or busy: end it now rather than at the next
            // message, so the failure shows at once in the audit log and to the client.
            await relay.CancelAsync();
            await Task.WhenAll(frontend, backend);
            return recordingFailed;
        }

        var first = await pumps;
        var outcome = await first;
        await relay.CancelAsync();
        var other = await (first == frontend ? backend : frontend);
        return outcome.Reason is null && other.Reason is not null ? other : outcome;
    }

    /// <summary>Both connections as pipes: the pump relay's, and the closing path's on either relay.</summary>
    private sealed class RelayPipes
    {
        public RelayPipes(Stream client, Stream upstream)
        {
            // Zero-byte reads: an idle side waits for data without holding a buffer, so a thousand idle sessions do
            // not pin a thousand pairs of 64 KiB buffers.
            var readOptions = new StreamPipeReaderOptions(bufferSize: PipeBufferBytes, leaveOpen: true, useZeroByteReads: true);
            var writeOptions = new StreamPipeWriterOptions(minimumBufferSize: PipeBufferBytes, leaveOpen: true);
            ClientReader = PipeReader.Create(client, readOptions);
            ClientWriter = PipeWriter.Create(client, writeOptions);
            UpstreamReader = PipeReader.Create(upstream, readOptions);
            UpstreamWriter = PipeWriter.Create(upstream, writeOptions);
        }

        public PipeReader ClientReader { get; }

        public PipeWriter ClientWriter { get; }

        public PipeReader UpstreamReader { get; }

        public PipeWriter UpstreamWriter { get; }
    }

    /// <summary>
    /// After refusing a client's message, reads and discards what it is still sending (briefly, and boundedly)
    /// so that closing does not reset the connection before the client has read why: a client still writing
    /// an oversized message would otherwise see a broken pipe instead of the error.
    /// </summary>
    private static async ValueTask DrainAsync(PipeReader reader)
    {
        const long MaxDrainBytes = 4 * 1024 * 1024;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        long drained = 0;
        try
        {
            while (drained < MaxDrainBytes)
            {
                var read = await reader.ReadAsync(timeout.Token);
                drained += read.Buffer.Length;
                reader.AdvanceTo(read.Buffer.End);
                if (read.IsCompleted)
                {
                    return;
                }
            }
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or ObjectDisposedException
            or System.Net.Sockets.SocketException)
        {
            // The client is gone or slow: either way the session is over.
        }
    }

    private static async ValueTask FlushOnlyAsync(PipeWriter writer, CancellationToken cancellationToken) =>
        await writer.FlushAsync(cancellationToken);

    private static async ValueTask CompleteQuietlyAsync(ValueTask completion)
    {
        try
        {
            await completion;
        }
        catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException or ObjectDisposedException)
        {
            // Unsent bytes to a closed peer: nothing left to deliver them to.
        }
    }

    private static async ValueTask TryFlushAsync(PipeWriter writer)
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await writer.FlushAsync(timeout.Token);
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or ObjectDisposedException)
        {
            // Best effort: the peer may be gone already.
        }
    }

    /// <summary>
    /// Waits for a catalog lookup or an approval decision; a lookup that fails ends the session (masking fails
    /// closed).
    /// </summary>
    private async Task<PgRelayOutcome?> WaitForLookupAsync(Task pending, CancellationToken cancellationToken)
    {
        try
        {
            // A held statement may wait minutes for a human: the session's end must not wait with it.
            await pending.WaitAsync(cancellationToken);
            return null;
        }
        catch (Exception e) when (e is PgCatalogException or PgUpstreamException or IOException
            or PgProtocolException or System.Net.Sockets.SocketException)
        {
            PgLog.CatalogLookupFailed(_logger, SessionId, e.Message);
            return PgRelayOutcome.MaskingFailed("the catalog lookup it needs failed");
        }
    }

    /// <summary>
    /// The connection <paramref name="fromClient"/> names ended: cleanly between messages, or part way through one.
    /// A client that hangs up mid-message broke the protocol; a database that does so has died (killed, crashed,
    /// network cut) part way through sending, which is a lost upstream.
    /// </summary>
    private PgRelayOutcome EndOfStream(bool fromClient, bool midMessage)
    {
        const string Cut = "connection closed in the middle of a message";
        if (!midMessage)
        {
            return fromClient ? PgRelayOutcome.Closed(ClientDisconnected) : UpstreamLost("upstream closed the connection");
        }

        if (!fromClient)
        {
            return UpstreamLost("upstream " + Cut);
        }

        PgLog.ProtocolViolation(_logger, SessionId, "client", Cut);
        return PgRelayOutcome.Violation(fromClient: true, Cut);
    }

    /// <summary>Reading from or writing to the client's (or the upstream's) connection failed with <paramref name="message"/>.</summary>
    private PgRelayOutcome ConnectionLost(bool client, string message) => client
        ? PgRelayOutcome.Closed($"client connection lost: {message}")
        : UpstreamLost($"upstream connection lost: {message}");

    /// <summary>
    /// The upstream went away. Unless its last word was a FATAL error (which the client has already seen), the
    /// client is told, as a direct connection's client would learn from the server itself.
    /// </summary>
    private PgRelayOutcome UpstreamLost(string reason) => _inspector!.UpstreamSentFatal
        ? PgRelayOutcome.Closed(reason)
        : PgRelayOutcome.Lost(reason, new PgClientError("08006", "the gateway lost its connection to the database"));

    /// <summary>Moves whole frames from one side to the other until a side closes or misbehaves.</summary>
    private async Task<PgRelayOutcome> PumpAsync(
        PipeReader from, PipeWriter to, bool fromClient, CancellationToken cancellationToken)
    {
        var inspector = _inspector!;
        var scratch = new PgFrameScratch(MaxMessageBytes);
        try
        {
            while (true)
            {
                var read = await from.ReadAsync(cancellationToken);
                var buffer = read.Buffer;
                if (_recorder!.Fault is not null && RecordingLost() is { } recordingFailed)
                {
                    // Recording is the condition of access: nothing more passes once it cannot be recorded.
                    return recordingFailed;
                }

                var outcome = PgFrameForwarder.Forward(
                    buffer, to, inspector, fromClient, scratch, MaxMessageBytes, out var consumed);
                if (outcome.Pending is { } pending)
                {
                    // Forward what was judged already, wait for the catalog, then read the same bytes again.
                    from.AdvanceTo(consumed);
                    await to.FlushAsync(cancellationToken);
                    if (await WaitForLookupAsync(pending, cancellationToken) is { } failed)
                    {
                        return failed;
                    }

                    continue;
                }

                from.AdvanceTo(consumed, buffer.End);
                if (outcome.Rejects)
                {
                    PgLog.ProtocolViolation(_logger, SessionId, fromClient ? "client" : "upstream", outcome.Reason!);
                }

                if (outcome.Ends)
                {
                    await CompleteQuietlyAsync(FlushOnlyAsync(to, cancellationToken));
                    return outcome;
                }

                FlushResult flush;
                try
                {
                    flush = await to.FlushAsync(cancellationToken);
                }
                catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException or ObjectDisposedException)
                {
                    // Writing failed, so it is the other side that is gone.
                    return ConnectionLost(client: !fromClient, e.Message);
                }

                if (flush.IsCompleted)
                {
                    return PgRelayOutcome.Closed(fromClient ? "upstream closed" : "client disconnected");
                }

                if (read.IsCompleted)
                {
                    return EndOfStream(fromClient, midMessage: !buffer.Slice(consumed).IsEmpty);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return PgRelayOutcome.Closed(null);
        }
        catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException or ObjectDisposedException)
        {
            return ConnectionLost(client: fromClient, e.Message);
        }
        finally
        {
            scratch.Dispose();
        }
    }
}
