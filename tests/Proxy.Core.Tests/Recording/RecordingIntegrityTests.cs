using Sluice.Core.Recording;
using static Sluice.Core.Tests.Recording.RecordingTestData;

namespace Sluice.Core.Tests.Recording;

public sealed class RecordingIntegrityTests : IDisposable
{
    private readonly TempRecordingDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task A_file_cut_anywhere_verifies_and_reads_up_to_its_last_complete_frame()
    {
        string path = await WriteSampleAsync(frames: 5);
        byte[] whole = await File.ReadAllBytesAsync(path);
        var frames = FrameOffsets(path);
        var eventsPerFrame = EventsPerFrame(path, frames);
        string cutPath = Path.Combine(_dir.Path, "cut.sluicerec");

        for (int cut = 0; cut < whole.Length; cut += cut < 200 ? 1 : 7)
        {
            await File.WriteAllBytesAsync(cutPath, whole.AsMemory(0, cut).ToArray());
            int complete = frames.Count(f => f.Offset + f.Length <= cut);
            long validBytes = complete == 0 ? Math.Min(cut, RecordingFormat.FileHeaderSize) >= 8 ? 8 : 0
                : frames[complete - 1].Offset + frames[complete - 1].Length;

            var verdict = RecordingVerifier.Verify(cutPath);

            var expected = cut == validBytes && complete > 0
                ? VerificationStatus.Intact
                : VerificationStatus.IntactButTruncated;
            Assert.True(expected == verdict.Status, $"cut at {cut}: {verdict.Message}");
            Assert.Equal(complete, verdict.Frames);
            Assert.Equal(validBytes, verdict.ValidBytes);
            Assert.Equal(eventsPerFrame.Take(complete).Sum(), verdict.Events);
            Assert.False(verdict.HasSessionEnd);

            var events = RecordingReader.ReadEvents(cutPath).ToList();
            Assert.Equal(eventsPerFrame.Take(complete).Sum(), events.Count);
        }

        // Uncut, the same recording is whole and ends properly.
        var full = RecordingVerifier.Verify(path);
        Assert.Equal(VerificationStatus.Intact, full.Status);
        Assert.True(full.HasSessionEnd);
    }

    [Fact]
    public async Task Flipping_any_byte_of_any_frame_is_detected()
    {
        string path = await WriteSampleAsync(frames: 4);
        byte[] whole = await File.ReadAllBytesAsync(path);
        var frames = FrameOffsets(path);
        string tamperedPath = Path.Combine(_dir.Path, "tampered.sluicerec");

        // Every byte of the file header and of the first two frames, then a stride through the rest.
        long exhaustiveEnd = frames[1].Offset + frames[1].Length;
        for (long i = 0; i < whole.Length; i += i < exhaustiveEnd ? 1 : 3)
        {
            var copy = (byte[])whole.Clone();
            copy[i] ^= 0x01;
            await File.WriteAllBytesAsync(tamperedPath, copy);

            var verdict = RecordingVerifier.Verify(tamperedPath);

            Assert.True(verdict.Status == VerificationStatus.Corrupt, $"flip at {i}: {verdict.Message}");
            int frame = frames.FindIndex(f => i >= f.Offset && i < f.Offset + f.Length);
            Assert.Equal(Math.Max(frame, 0), verdict.Frames);
            string where = i < RecordingFormat.FileHeaderSize ? "file header" : $"frame {frame} at byte";
            Assert.Contains(where, verdict.Message);
            Assert.ThrowsAny<IOException>(() => RecordingReader.ReadEvents(tamperedPath).ToList());
        }
    }

    [Fact]
    public async Task Deleting_a_middle_frame_is_detected()
    {
        string path = await WriteSampleAsync(frames: 4);
        byte[] whole = await File.ReadAllBytesAsync(path);
        var frames = FrameOffsets(path);
        var (offset, length) = frames[2];
        byte[] without = [.. whole.AsSpan(0, (int)offset), .. whole.AsSpan((int)(offset + length))];
        await File.WriteAllBytesAsync(path, without);

        var verdict = RecordingVerifier.Verify(path);

        Assert.Equal(VerificationStatus.Corrupt, verdict.Status);
        Assert.Equal(2, verdict.Frames);
        Assert.Contains($"frame 2 at byte {offset}", verdict.Message);
        var error = Assert.Throws<RecordingFormatException>(() => RecordingReader.ReadEvents(path).ToList());
        Assert.Equal(2, error.FrameIndex);
        Assert.Equal(offset, error.Offset);
    }

    [Fact]
    public async Task Swapping_two_frames_is_detected()
    {
        string path = await WriteSampleAsync(frames: 4);
        byte[] whole = await File.ReadAllBytesAsync(path);
        var frames = FrameOffsets(path);
        byte[] swapped =
        [
            .. whole.AsSpan(0, (int)frames[1].Offset),
            .. whole.AsSpan((int)frames[2].Offset, (int)frames[2].Length),
            .. whole.AsSpan((int)frames[1].Offset, (int)frames[1].Length),
            .. whole.AsSpan((int)frames[3].Offset),
        ];
        await File.WriteAllBytesAsync(path, swapped);

        var verdict = RecordingVerifier.Verify(path);

        Assert.Equal(VerificationStatus.Corrupt, verdict.Status);
        Assert.Equal(1, verdict.Frames);
    }

    [Fact]
    public async Task A_frame_with_a_forged_hash_chain_but_unknown_event_type_is_rejected()
    {
        // Re-encode the last frame with an event type the reader does not know, with valid hashes and
        // header check, as a newer writer might: the reader must refuse it rather than skip it.
        string path = await WriteSampleAsync(frames: 2);
        var frames = FrameOffsets(path);
        byte[] whole = await File.ReadAllBytesAsync(path);
        var last = frames[^1];
        byte[] previousHash = whole.AsSpan((int)last.Offset + 28, 32).ToArray();
        byte[] payload = [99, 8, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0];
        byte[] forged = ForgeFrame(sequence: (uint)(frames.Count - 1), payload, events: 1, previousHash);
        await File.WriteAllBytesAsync(path, [.. whole.AsSpan(0, (int)last.Offset), .. forged]);

        var verdict = RecordingVerifier.Verify(path);

        Assert.Equal(VerificationStatus.Corrupt, verdict.Status);
        Assert.Contains("type 99 unknown", verdict.Message);
    }

    [Fact]
    public async Task Huge_declared_lengths_are_rejected_before_allocation()
    {
        string path = await WriteSampleAsync(frames: 2);
        var frames = FrameOffsets(path);
        byte[] whole = await File.ReadAllBytesAsync(path);
        var last = frames[^1];
        var header = whole.AsSpan((int)last.Offset, RecordingFormat.FrameHeaderSize);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(header[12..], 0x7FFF_FFFF);
        RecordingFormat.WriteHeaderCheck(header);
        await File.WriteAllBytesAsync(path, whole);

        long before = GC.GetAllocatedBytesForCurrentThread();
        var verdict = RecordingVerifier.Verify(path);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(VerificationStatus.Corrupt, verdict.Status);
        Assert.Contains("lengths out of range", verdict.Message);
        Assert.True(allocated < 8 * 1024 * 1024, $"allocated {allocated} bytes");
    }

    [Fact]
    public async Task A_file_that_is_not_a_recording_is_corrupt()
    {
        string path = Path.Combine(_dir.Path, "junk.sluicerec");
        await File.WriteAllTextAsync(path, "this is not a recording at all");

        var verdict = RecordingVerifier.Verify(path);

        Assert.Equal(VerificationStatus.Corrupt, verdict.Status);
        Assert.Contains("file header", verdict.Message);
        Assert.Throws<RecordingFormatException>(() => RecordingReader.ReadHeader(path));
    }

    private static byte[] ForgeFrame(uint sequence, byte[] payload, int events, byte[] previousHash)
    {
        using var compressor = new ZstdSharp.Compressor(3);
        byte[] stored = compressor.Wrap(payload).ToArray();
        var frame = new byte[RecordingFormat.FrameHeaderSize + stored.Length + RecordingFormat.HashSize];
        var span = frame.AsSpan();
        "SLFR"u8.CopyTo(span);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(span[4..], sequence);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(span[8..], (uint)events);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(span[12..], (uint)payload.Length);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(span[16..], (uint)stored.Length);
        System.Buffers.Binary.BinaryPrimitives.WriteInt64LittleEndian(span[20..], 1000);
        previousHash.CopyTo(span[28..]);
        RecordingFormat.WriteHeaderCheck(span);
        stored.CopyTo(span[RecordingFormat.FrameHeaderSize..]);
        int hashed = RecordingFormat.FrameHeaderSize + stored.Length;
        System.Security.Cryptography.SHA256.HashData(span[..hashed], span[hashed..]);
        return frame;
    }

    private static List<int> EventsPerFrame(string path, List<(long Offset, long Length)> frames)
    {
        var counts = new List<int>();
        using var scanner = FrameScanner.Open(path);
        scanner.ReadFileHeader();
        while (scanner.Next(readPayload: true) == ScanResult.Frame)
        {
            counts.Add(scanner.EventCount);
        }

        Assert.Equal(frames.Count, counts.Count);
        return counts;
    }

    /// <summary>A finished recording with the given number of frames, the last one holding the session end.</summary>
    private async Task<string> WriteSampleAsync(int frames)
    {
        var recorder = _dir.Store.Create(Header(), ManualFlush);
        for (int frame = 1; frame < frames; frame++)
        {
            recorder.Request(RequestKind.Query, default, Utf8($"select * from t{frame}"));
            recorder.Columns([new RecordedColumn("a", "text", false)]);
            recorder.Row(Cells($"value {frame}"));
            recorder.Completed(Utf8("SELECT 1"), 1, 20);
            if (frame < frames - 1)
            {
                recorder.Flush();
            }
        }

        await recorder.CompleteAsync("done");
        Assert.Equal(frames, RecordingVerifier.Verify(recorder.FilePath).Frames);
        return recorder.FilePath;
    }
}
