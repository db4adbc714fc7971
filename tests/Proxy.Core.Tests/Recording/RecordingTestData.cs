using System.Text;
using Sluice.Core.Recording;

namespace Sluice.Core.Tests.Recording;

/// <summary>A temporary recordings directory, removed after the test.</summary>
internal sealed class TempRecordingDirectory : IDisposable
{
    public TempRecordingDirectory()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "sluice-rec-" + Guid.NewGuid().ToString("N"));
        Store = new RecordingStore(Path);
    }

    public string Path { get; }

    public RecordingStore Store { get; }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // A recorder a test left open on purpose may still hold a file on some systems.
        }
    }
}

internal static class RecordingTestData
{
    /// <summary>Options whose flusher stays out of the way, so tests decide frame boundaries with Flush().</summary>
    public static readonly RecordingOptions ManualFlush = new() { FlushInterval = TimeSpan.FromHours(1) };

    public static SessionHeader Header(
        string? sessionId = null,
        string subject = "svc-billing",
        string connection = "orders",
        DateTimeOffset? startedAt = null) => new(
        sessionId ?? RecordingStore.NewSessionId(),
        startedAt ?? new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero),
        subject,
        ["team-a", "readers"],
        "oidc",
        "https://issuer.example",
        connection,
        "postgres",
        "127.0.0.1:50000",
        "app",
        null,
        "db.internal:5432",
        true);

    public static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);

    public static byte[] Cells(params string?[] values) =>
        CellsCodec.Encode(values.Select(v => v is null ? null : Encoding.UTF8.GetBytes(v)).ToArray());

    public static string Text(byte[]? value) => value is null ? "<null>" : Encoding.UTF8.GetString(value);

    /// <summary>Byte offsets of every frame, found with the same scanner the reader uses.</summary>
    public static List<(long Offset, long Length)> FrameOffsets(string path)
    {
        var frames = new List<(long, long)>();
        using var scanner = FrameScanner.Open(path);
        Assert.Equal(ScanResult.Frame, scanner.ReadFileHeader());
        while (scanner.Next(readPayload: true) == ScanResult.Frame)
        {
            frames.Add((scanner.FrameOffset, scanner.ValidBytes - scanner.FrameOffset));
        }

        return frames;
    }
}
