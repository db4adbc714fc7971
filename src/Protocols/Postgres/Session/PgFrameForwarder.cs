using System.Buffers;

namespace Sluice.Protocols.Postgres;

/// <summary>
/// The relay's inner loop, for one direction: scan each whole frame in a read buffer (its declared size
/// checked before its body is waited for), let the inspector see it, and forward the run of inspected
/// frames unchanged in one copy. Allocates nothing per frame.
/// </summary>
internal static class PgFrameForwarder
{
    /// <summary>
    /// Forwards every whole frame at the start of <paramref name="buffer"/>; stops at a partial frame, at a
    /// frame that ends the session, or before a frame that is refused. <paramref name="consumed"/> is where
    /// the next read continues.
    /// </summary>
    public static PgRelayOutcome Forward(
        in ReadOnlySequence<byte> buffer,
        IBufferWriter<byte> to,
        PgSessionInspector inspector,
        bool fromClient,
        PgFrameScratch scratch,
        int maxMessageBytes,
        out SequencePosition consumed)
    {
        var remaining = buffer;
        var runStart = buffer.Start;
        var outcome = PgRelayOutcome.Continue;
        while (true)
        {
            var status = PgFrameScanner.TryScanMessage(remaining, maxMessageBytes, out var type, out var frameLength);
            if (fromClient && !remaining.IsEmpty && !PgSessionInspector.IsFrontendTypeAfterStartup(type))
            {
                outcome = PgRelayOutcome.Violation(fromClient, $"message type '{Printable(type)}' is not valid after start-up");
                break;
            }

            if (status == PgScanStatus.NeedMoreData)
            {
                break;
            }

            if (status != PgScanStatus.Complete)
            {
                outcome = status == PgScanStatus.TooLarge
                    ? PgRelayOutcome.Violation(
                        fromClient, $"a '{(char)type}' message is larger than the limit of {maxMessageBytes} bytes", "54000")
                    : PgRelayOutcome.Violation(fromClient, $"a '{(char)type}' message has an invalid length");
                break;
            }

            var frame = remaining.Slice(0, frameLength);
            var span = frame.IsSingleSegment ? frame.FirstSpan : scratch.Gather(frame);
            ReadOnlySpan<byte> replacement = default;
            try
            {
                outcome = fromClient ? inspector.Frontend(span, out replacement) : inspector.Backend(span, out replacement);
            }
            catch (PgProtocolException e)
            {
                outcome = PgRelayOutcome.Violation(fromClient, $"malformed '{(char)type}' message: {e.Message}", e.SqlState);
            }

            if (outcome.Rejects || outcome.Pending is not null)
            {
                // Not forwarded: refused, or to be inspected again once the pending lookup is done.
                break;
            }

            if (outcome.Drop)
            {
                WriteRun(buffer, runStart, frame.Start, to);
                runStart = frame.End;
            }
            else if (!replacement.IsEmpty)
            {
                // A rewritten frame: send what came before it as it was, then the new frame instead of the old.
                WriteRun(buffer, runStart, frame.Start, to);
                to.Write(replacement);
                runStart = frame.End;
            }

            remaining = remaining.Slice(frameLength);
            if (outcome.Ends)
            {
                break;
            }
        }

        consumed = remaining.Start;
        WriteRun(buffer, runStart, consumed, to);
        return outcome;
    }

    /// <summary>A type byte as it can go into a log line and an error message: a control byte as its number.</summary>
    private static string Printable(byte type) => type is >= 0x20 and < 0x7F ? ((char)type).ToString() : $"\\x{type:X2}";

    private static void WriteRun(in ReadOnlySequence<byte> buffer, SequencePosition start, SequencePosition end,
        IBufferWriter<byte> to)
    {
        // A masked result rewrites row after row: most runs between two replacements are empty.
        if (start.Equals(end))
        {
            return;
        }

        WriteRun(buffer.Slice(start, end), to);
    }

    private static void WriteRun(in ReadOnlySequence<byte> run, IBufferWriter<byte> to)
    {
        foreach (var segment in run)
        {
            to.Write(segment.Span);
        }
    }
}
