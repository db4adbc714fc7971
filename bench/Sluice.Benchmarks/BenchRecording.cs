using Sluice.Core.Recording;

namespace Sluice.Benchmarks;

/// <summary>Recorders in a temporary directory, and a way to check what they wrote.</summary>
internal static class BenchRecording
{
    /// <summary>The captured result that the recording benchmarks replay.</summary>
    public static byte[] LoadResult()
    {
        var capture = File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "Captures", "rows.backend.bin"));
        return CaptureSlices.OneResult(capture);
    }

    /// <summary>A recorder for a new session in <paramref name="directory"/>, with a relay's kind of header.</summary>
    public static SessionRecorder Create(string directory, RecordingOptions options) =>
        new RecordingStore(directory).Create(
            new SessionHeader(
                RecordingStore.NewSessionId(), DateTimeOffset.UtcNow, "bench", ["bench"], "DevToken", "sluice-dev",
                "demo", "postgres", "127.0.0.1:1", "bench", null, "127.0.0.1:5432", true),
            options);

    /// <summary>How many events of type <typeparamref name="TEvent"/> the recorder's file holds so far.</summary>
    public static int Count<TEvent>(SessionRecorder recorder)
        where TEvent : RecordingEvent =>
        RecordingReader.ReadEvents(recorder.FilePath).OfType<TEvent>().Count();

    /// <summary>Completes the recorder and deletes its directory.</summary>
    public static void Delete(SessionRecorder? recorder, string directory)
    {
        recorder?.CompleteAsync("benchmark done").AsTask().GetAwaiter().GetResult();
        if (directory.Length > 0)
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
