using System.Buffers;
using System.IO.Pipelines;

namespace Sluice.Protocols.Postgres;

internal sealed partial class PgSession
{
    /// <summary>Large reads keep bulk results moving in few system calls.</summary>
    private const int PipeBufferBytes = 64 * 1024;

    /// <summary>
    /// Relays both directions until either side ends. Bytes are forwarded exactly as received, in runs of
    /// whole frames; every frame is scanned (size-checked) and inspected before it is forwarded, and anything
    /// that cannot be parsed ends the session instead of passing through.
    /// </summary>
    private async Task RelayAsync(CancellationToken cancellationToken)
    {
        var upstream = _upstream!;
        var clientReader = PipeReader.Create(_clientStream, new StreamPipeReaderOptions(bufferSize: PipeBufferBytes, leaveOpen: true));
        var clientWriter = PipeWriter.Create(_clientStream, new StreamPipeWriterOptions(minimumBufferSize: PipeBufferBytes, leaveOpen: true));
        var upstreamReader = PipeReader.Create(upstream.Stream, new StreamPipeReaderOptions(bufferSize: PipeBufferBytes, leaveOpen: true));
        var upstreamWriter = PipeWriter.Create(upstream.Stream, new StreamPipeWriterOptions(minimumBufferSize: PipeBufferBytes, leaveOpen: true));

        using var relay = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var frontend = PumpAsync(clientReader, upstreamWriter, fromClient: true, relay.Token);
        var backend = PumpAsync(upstreamReader, clientWriter, fromClient: false, relay.Token);

        var first = await Task.WhenAny(frontend, backend);
        var outcome = await first;
        relay.Cancel();
        var other = await (first == frontend ? backend : frontend);
        if (outcome.Reason is null && other.Reason is not null)
        {
            outcome = other;
        }

        cancellationToken.ThrowIfCancellationRequested();
        _endReason = outcome.Reason ?? "connection closed";
        if (outcome.ClientError is { } error)
        {
            // The backend pump has stopped, so nothing else writes to the client now.
            PgWriter.ErrorResponse(clientWriter, "FATAL", error.SqlState, error.Message);
            await TryFlushAsync(clientWriter);
        }

        await clientReader.CompleteAsync();
        await upstreamReader.CompleteAsync();
        await clientWriter.CompleteAsync();
        await upstreamWriter.CompleteAsync();
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

    /// <summary>Moves whole frames from one side to the other until a side closes or misbehaves.</summary>
    private async Task<PumpOutcome> PumpAsync(PipeReader from, PipeWriter to, bool fromClient, CancellationToken cancellationToken)
    {
        var scratch = new PgFrameScratch(MaxMessageBytes);
        try
        {
            while (true)
            {
                var read = await from.ReadAsync(cancellationToken);
                var buffer = read.Buffer;
                var outcome = ForwardFrames(buffer, to, fromClient, scratch, out var consumed);
                from.AdvanceTo(consumed, buffer.End);
                if (!outcome.Ends && _recorder!.Fault is { } fault)
                {
                    // Recording is the condition of access: a session that can no longer be recorded ends.
                    PgLog.RecordingFailed(_logger, SessionId, fault.Message);
                    outcome = PumpOutcome.Reject(
                        $"recording failed: {fault.Message}",
                        new PgClientError("53100", "the gateway can no longer record this session, so it ends it"));
                }

                if (outcome.Ends)
                {
                    await to.FlushAsync(cancellationToken);
                    return outcome;
                }

                var flush = await to.FlushAsync(cancellationToken);
                if (flush.IsCompleted)
                {
                    return PumpOutcome.Closed(fromClient ? "upstream closed" : "client disconnected");
                }

                if (read.IsCompleted)
                {
                    return buffer.Slice(consumed).IsEmpty
                        ? PumpOutcome.Closed(fromClient ? "client disconnected" : "upstream closed the connection")
                        : Violation(fromClient, "connection closed in the middle of a message");
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return PumpOutcome.Closed(null);
        }
        catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException or ObjectDisposedException)
        {
            return PumpOutcome.Closed(fromClient ? $"client connection lost: {e.Message}" : $"upstream connection lost: {e.Message}");
        }
        finally
        {
            scratch.Dispose();
        }
    }

    /// <summary>
    /// Scans, inspects and forwards every whole frame in <paramref name="buffer"/>; stops at the first partial
    /// one. Forwarding copies the run of inspected frames in one go.
    /// </summary>
    private PumpOutcome ForwardFrames(
        ReadOnlySequence<byte> buffer, PipeWriter to, bool fromClient, PgFrameScratch scratch, out SequencePosition consumed)
    {
        var remaining = buffer;
        var outcome = PumpOutcome.Continue;
        while (true)
        {
            var status = PgFrameScanner.TryScanMessage(remaining, MaxMessageBytes, out var type, out var frameLength);
            if (status == PgScanStatus.NeedMoreData)
            {
                break;
            }

            if (status != PgScanStatus.Complete)
            {
                outcome = status == PgScanStatus.TooLarge
                    ? Violation(fromClient, $"a '{(char)type}' message is larger than the limit of {MaxMessageBytes} bytes", "54000")
                    : Violation(fromClient, $"a '{(char)type}' message has an invalid length");
                break;
            }

            var frame = remaining.Slice(0, frameLength);
            var span = frame.IsSingleSegment ? frame.FirstSpan : scratch.Gather(frame);
            outcome = fromClient ? InspectFrontend(span) : InspectBackend(span);
            if (outcome.Rejects)
            {
                break;
            }

            remaining = remaining.Slice(frameLength);
            if (outcome.Ends)
            {
                break;
            }
        }

        consumed = remaining.Start;
        foreach (var segment in buffer.Slice(0, consumed))
        {
            to.Write(segment.Span);
        }

        return outcome;
    }

    private PumpOutcome Violation(bool fromClient, string reason, string sqlState = "08P01")
    {
        PgLog.ProtocolViolation(_logger, SessionId, fromClient ? "client" : "upstream", reason);
        var clientMessage = fromClient ? reason : $"the database sent a message the gateway cannot accept: {reason}";
        return PumpOutcome.Reject($"protocol violation by {(fromClient ? "client" : "upstream")}: {reason}",
            new PgClientError(sqlState, clientMessage));
    }

    private readonly record struct PgClientError(string SqlState, string Message);

    /// <summary>What a pump decided about the session.</summary>
    private readonly record struct PumpOutcome(bool Ends, bool Rejects, string? Reason, PgClientError? ClientError)
    {
        public static PumpOutcome Continue => default;

        /// <summary>The frame was forwarded and the session ends after it (Terminate).</summary>
        public static PumpOutcome EndAfter(string reason) => new(true, false, reason, null);

        public static PumpOutcome Closed(string? reason) => new(true, false, reason, null);

        /// <summary>The frame is not forwarded; the session ends with an error to the client.</summary>
        public static PumpOutcome Reject(string reason, PgClientError error) => new(true, true, reason, error);
    }
}
