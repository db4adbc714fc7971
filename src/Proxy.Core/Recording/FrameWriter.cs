using System.Buffers;
using System.Buffers.Binary;
using System.Security.Cryptography;
using ZstdSharp;

namespace Sluice.Core.Recording;

/// <summary>
/// Turns encoded events into compressed, hash-chained frames and appends them to the file
/// (layout in <see cref="RecordingFormat"/>). Used by one thread at a time: the recorder's flusher.
/// </summary>
internal sealed class FrameWriter : IDisposable
{
    private readonly FileStream _stream;
    private readonly int _zstdLevel;
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private readonly byte[] _previousHash = new byte[RecordingFormat.HashSize];
    private readonly bool _fsync;
    private uint _sequence;
    private long _statements;
    private bool _wroteFrame;

    /// <summary>Creates the file (it must not exist) and writes the file header.</summary>
    public FrameWriter(string path, int zstdLevel, bool fsync)
    {
        _fsync = fsync;
        _zstdLevel = zstdLevel;
        _stream = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.Read, bufferSize: 0);
        try
        {
            Span<byte> fileHeader = stackalloc byte[RecordingFormat.FileHeaderSize];
            RecordingFormat.WriteFileHeader(fileHeader);
            SHA256.HashData(fileHeader, _previousHash);
            _stream.Write(fileHeader);
        }
        catch
        {
            // The file is ours (CreateNew) but holds less than a header: leave no stub that looks like a recording.
            Dispose();
            TryDelete(path);
            throw;
        }
    }

    /// <summary>Removes a recording that could not even be started; a failure to do so changes nothing.</summary>
    internal static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A read-only or failing disk may refuse this too; the summary and verifier skip such stubs.
        }
    }

    /// <summary>Hash of the last frame written, or null before the first one.</summary>
    public string? LastHashHex => _wroteFrame ? Convert.ToHexStringLower(_previousHash) : null;

    /// <summary>Writes all complete events in <paramref name="events"/> as one or more frames.</summary>
    public void Write(ReadOnlySpan<byte> events)
    {
        int frameStart = 0;
        int position = 0;
        int count = 0;
        int statements = 0;
        while (position < events.Length)
        {
            int bodyLength = BinaryPrimitives.ReadInt32LittleEndian(events[(position + 1)..]);
            int size = RecordingFormat.EventHeaderSize + bodyLength;
            if (count > 0 && position + size - frameStart > RecordingFormat.TargetFrameBytes)
            {
                WriteFrame(events[frameStart..position], count, statements);
                frameStart = position;
                count = 0;
                statements = 0;
            }

            if (events[position] == (byte)EventType.Completed)
            {
                statements++;
            }

            position += size;
            count++;
        }

        if (count > 0)
        {
            WriteFrame(events[frameStart..position], count, statements);
        }
    }

    public void Dispose()
    {
        _stream.Dispose();
        _hash.Dispose();
    }

    private void WriteFrame(ReadOnlySpan<byte> payload, int eventCount, int statements)
    {
        // Header, payload and hash go out in one write so a concurrent reader or a crash sees
        // either a whole frame or a plain prefix of one, never a frame with a stale middle.
        // The frame buffer goes back to the pool afterwards: a session that flushed one large frame must not
        // keep a buffer that size while it idles.
        int needed = RecordingFormat.FrameHeaderSize + Compressor.GetCompressBound(payload.Length)
            + RecordingFormat.HashSize;
        var rented = ArrayPool<byte>.Shared.Rent(needed);
        try
        {
            WriteFrame(rented, payload, eventCount, statements);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    private void WriteFrame(Span<byte> frame, ReadOnlySpan<byte> payload, int eventCount, int statements)
    {
        var body = frame[RecordingFormat.FrameHeaderSize..^RecordingFormat.HashSize];
        var compressor = CompressorPool.Rent(_zstdLevel);
        int compressedLength;
        try
        {
            compressedLength = compressor.Wrap(payload, body);
        }
        finally
        {
            CompressorPool.Return(_zstdLevel, compressor);
        }

        _statements += statements;

        RecordingFormat.FrameMagic.CopyTo(frame);
        BinaryPrimitives.WriteUInt32LittleEndian(frame[4..], _sequence);
        BinaryPrimitives.WriteUInt32LittleEndian(frame[8..], (uint)eventCount);
        BinaryPrimitives.WriteUInt32LittleEndian(frame[12..], (uint)payload.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(frame[16..], (uint)compressedLength);
        BinaryPrimitives.WriteInt64LittleEndian(frame[20..], _statements);
        _previousHash.CopyTo(frame[28..]);
        RecordingFormat.WriteHeaderCheck(frame);

        int hashed = RecordingFormat.FrameHeaderSize + compressedLength;
        _hash.AppendData(frame[..hashed]);
        _hash.GetHashAndReset(_previousHash);
        _previousHash.CopyTo(frame[hashed..]);

        _stream.Write(frame[..(hashed + RecordingFormat.HashSize)]);
        _stream.Flush(_fsync);
        _sequence++;
        _wroteFrame = true;
    }
}
