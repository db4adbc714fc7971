namespace Sluice.Core.Recording;

/// <summary>Reads recordings back as events.</summary>
public static class RecordingReader
{
    /// <summary>
    /// Yields the events of every complete frame, in order. A partial frame at the end (a crash cut the file
    /// short) simply ends the sequence. Damage anywhere else throws <see cref="RecordingFormatException"/>
    /// when the enumeration reaches the bad frame, after the events before it.
    /// The file may still be growing; only the bytes present when enumeration starts are read.
    /// </summary>
    public static IEnumerable<RecordingEvent> ReadEvents(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException("No such recording.", path);
        }

        return Enumerate(path);
    }

    /// <summary>Reads the session header from the first frame only.</summary>
    /// <exception cref="RecordingFormatException">The file has no intact first frame.</exception>
    public static SessionHeader ReadHeader(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        using var walker = RecordingWalker.Open(path);
        var result = walker.Start();
        if (result == ScanResult.Frame)
        {
            result = walker.NextFrame();
        }

        if (result == ScanResult.Frame && walker.Events[0] is SessionStartedEvent started)
        {
            return started.Header;
        }

        string reason = result == ScanResult.Corrupt ? walker.Error! : "the file ends before its first frame";
        throw new RecordingFormatException($"{path}: {reason}", 0, walker.Scanner.FrameOffset);
    }

    private static IEnumerable<RecordingEvent> Enumerate(string path)
    {
        using var walker = RecordingWalker.Open(path);
        var result = walker.Start();
        while (result == ScanResult.Frame)
        {
            result = walker.NextFrame();
            if (result != ScanResult.Frame)
            {
                break;
            }

            foreach (var item in walker.Events)
            {
                yield return item;
            }
        }

        if (result == ScanResult.Corrupt)
        {
            throw new RecordingFormatException(
                $"{path}: {walker.Error}", walker.Scanner.Frames, walker.Scanner.FrameOffset);
        }
    }
}
