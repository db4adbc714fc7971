namespace Sluice.Core.Recording;

/// <summary>
/// Walks a recording frame by frame, decoding events and enforcing their order: the session start comes
/// first and only once, and nothing follows the session end. Shared by the reader and the verifier.
/// </summary>
internal sealed class RecordingWalker : IDisposable
{
    private readonly FrameScanner _scanner;

    private RecordingWalker(FrameScanner scanner)
    {
        _scanner = scanner;
    }

    public FrameScanner Scanner => _scanner;

    /// <summary>Events of the frame last returned by <see cref="NextFrame"/>.</summary>
    public List<RecordingEvent> Events { get; } = [];

    public long TotalEvents { get; private set; }

    public bool SawSessionEnd { get; private set; }

    public string? Error { get; private set; }

    public static RecordingWalker Open(string path) => new(FrameScanner.Open(path));

    public ScanResult Start()
    {
        var result = _scanner.ReadFileHeader();
        Error = _scanner.Error;
        return result;
    }

    public ScanResult NextFrame()
    {
        Events.Clear();
        var result = _scanner.Next(readPayload: true);
        if (result != ScanResult.Frame)
        {
            Error = _scanner.Error;
            return result;
        }

        string? problem = EventDecoder.Decode(_scanner.Payload, _scanner.EventCount, Events) ?? CheckOrder();
        if (problem is not null)
        {
            Events.Clear();
            Error = $"frame {_scanner.Frames - 1} at byte {_scanner.FrameOffset}: {problem}";
            return ScanResult.Corrupt;
        }

        TotalEvents += Events.Count;
        return ScanResult.Frame;
    }

    public void Dispose() => _scanner.Dispose();

    private string? CheckOrder()
    {
        bool firstFrame = _scanner.Frames == 1;
        for (int i = 0; i < Events.Count; i++)
        {
            if (SawSessionEnd)
            {
                return "events after the session end";
            }

            bool isStart = Events[i] is SessionStartedEvent;
            if (isStart != (firstFrame && i == 0))
            {
                return isStart ? "a second session start" : "the recording does not begin with the session start";
            }

            SawSessionEnd = Events[i] is SessionEndedEvent;
        }

        return null;
    }
}
