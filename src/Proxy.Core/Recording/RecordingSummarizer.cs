namespace Sluice.Core.Recording;

/// <summary>
/// Builds a <see cref="RecordingSummary"/> cheaply: decodes the header frame, skips over the payloads of
/// the frames after it reading headers only, then decodes the last complete frame to find the session end.
/// </summary>
internal static class RecordingSummarizer
{
    /// <summary>Null when the file has no intact header frame or its header does not match the filter.</summary>
    public static RecordingSummary? Summarize(string path, RecordingFilter filter)
    {
        using var walker = RecordingWalker.Open(path);
        if (walker.Start() != ScanResult.Frame || walker.NextFrame() != ScanResult.Frame
            || walker.Events[0] is not SessionStartedEvent started || !filter.Matches(started.Header))
        {
            return null;
        }

        var scanner = walker.Scanner;
        var lastEvents = new List<RecordingEvent>(walker.Events);
        long lastOffset = scanner.FrameOffset;
        long statementsBefore = 0;
        long statements = scanner.Statements;
        ScanResult result;
        while (true)
        {
            long before = scanner.Statements;
            result = scanner.Next(readPayload: false);
            if (result != ScanResult.Frame)
            {
                break;
            }

            lastOffset = scanner.FrameOffset;
            statementsBefore = before;
            statements = scanner.Statements;
        }

        int frames = scanner.Frames;
        if (frames > 1)
        {
            lastEvents.Clear();
            scanner.SeekToFrame(lastOffset, frames - 1, statementsBefore);
            if (scanner.Next(readPayload: true) == ScanResult.Frame
                && EventDecoder.Decode(scanner.Payload, scanner.EventCount, lastEvents) is not null)
            {
                lastEvents.Clear();
            }
        }

        var ended = lastEvents.Count > 0 ? lastEvents[^1] as SessionEndedEvent : null;
        return new RecordingSummary(
            path,
            started.Header,
            ended?.At,
            ended?.Reason,
            ended?.Statements ?? statements,
            scanner.FileBytes,
            ended is not null && result == ScanResult.End);
    }
}
