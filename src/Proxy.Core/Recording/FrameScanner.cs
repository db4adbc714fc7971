using System.Buffers.Binary;
using System.Security.Cryptography;
using ZstdSharp;

namespace Sluice.Core.Recording;

/// <summary>What <see cref="FrameScanner"/> found at the current position.</summary>
internal enum ScanResult
{
    /// <summary>A complete, valid frame; its payload is available.</summary>
    Frame,

    /// <summary>The file ends exactly after the last frame.</summary>
    End,

    /// <summary>A partial frame (or file header) ends the file, as after a crash.</summary>
    Truncated,

    /// <summary>Something does not check out; <see cref="FrameScanner.Error"/> says what and where.</summary>
    Corrupt,
}

/// <summary>
/// Walks the frames of a recording (layout in <see cref="RecordingFormat"/>), checking magic, sequence,
/// lengths, hash chain and zstd stream. Lengths are checked against fixed maxima and the file size before
/// anything is allocated, so a hostile file cannot make it allocate more than one frame's worth.
/// </summary>
internal sealed class FrameScanner : IDisposable
{
    private readonly Stream _stream;
    private readonly byte[] _header = new byte[RecordingFormat.FrameHeaderSize];
    private readonly byte[] _lastHash = new byte[RecordingFormat.HashSize];
    private Decompressor? _decompressor;
    private byte[] _stored = [];
    private byte[] _payload = [];
    private int _payloadLength;
    private bool _chainKnown = true;

    public FrameScanner(Stream stream)
    {
        _stream = stream;
        FileBytes = stream.Length;
    }

    /// <summary>Size of the file when scanning began; bytes appended later are not looked at.</summary>
    public long FileBytes { get; }

    /// <summary>Complete frames passed so far; also the index of the next frame.</summary>
    public int Frames { get; private set; }

    /// <summary>Offset just past the last complete frame (or the file header).</summary>
    public long ValidBytes { get; private set; }

    /// <summary>Offset of the frame last returned, or of the problem after a failure.</summary>
    public long FrameOffset { get; private set; }

    public string? Error { get; private set; }

    public int EventCount { get; private set; }

    /// <summary>Statements completed up to and including the current frame.</summary>
    public long Statements { get; private set; }

    public ReadOnlySpan<byte> Payload => _payload.AsSpan(0, _payloadLength);

    public string? LastHashHex => Frames > 0 && _chainKnown ? Convert.ToHexStringLower(_lastHash) : null;

    public static FrameScanner Open(string path)
    {
        var stream = new FileStream(
            path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, bufferSize: 0);
        return new FrameScanner(stream);
    }

    public ScanResult ReadFileHeader()
    {
        Span<byte> header = stackalloc byte[RecordingFormat.FileHeaderSize];
        int available = (int)Math.Min(FileBytes, RecordingFormat.FileHeaderSize);
        _stream.Position = 0;
        _stream.ReadExactly(header[..available]);
        Span<byte> expected = stackalloc byte[RecordingFormat.FileHeaderSize];
        RecordingFormat.WriteFileHeader(expected);
        if (!header[..available].SequenceEqual(expected[..available]))
        {
            return Fail(0, "not a Sluice recording, or an unknown version (bad file header)");
        }

        if (available < RecordingFormat.FileHeaderSize)
        {
            return ScanResult.Truncated;
        }

        SHA256.HashData(header, _lastHash);
        ValidBytes = RecordingFormat.FileHeaderSize;
        return ScanResult.Frame;
    }

    /// <summary>
    /// Moves to the next frame. With <paramref name="readPayload"/> false only the frame header is read and
    /// the payload skipped, which also gives up checking the hash chain from here on.
    /// </summary>
    public ScanResult Next(bool readPayload)
    {
        long offset = ValidBytes;
        FrameOffset = offset;
        long remaining = FileBytes - offset;
        if (remaining == 0)
        {
            return ScanResult.End;
        }

        int headerBytes = (int)Math.Min(remaining, RecordingFormat.FrameHeaderSize);
        _stream.Position = offset;
        _stream.ReadExactly(_header.AsSpan(0, headerBytes));
        int magicBytes = Math.Min(headerBytes, RecordingFormat.FrameMagic.Length);
        if (!_header.AsSpan(0, magicBytes).SequenceEqual(RecordingFormat.FrameMagic[..magicBytes]))
        {
            return Fail(offset, "bad frame magic");
        }

        if (headerBytes < RecordingFormat.FrameHeaderSize)
        {
            return ScanResult.Truncated;
        }

        var header = _header.AsSpan();
        if (!RecordingFormat.HeaderCheckMatches(header))
        {
            return Fail(offset, "frame header check does not match (altered)");
        }

        uint sequence = BinaryPrimitives.ReadUInt32LittleEndian(header[4..]);
        uint events = BinaryPrimitives.ReadUInt32LittleEndian(header[8..]);
        uint rawLength = BinaryPrimitives.ReadUInt32LittleEndian(header[12..]);
        uint storedLength = BinaryPrimitives.ReadUInt32LittleEndian(header[16..]);
        long statements = BinaryPrimitives.ReadInt64LittleEndian(header[20..]);
        if (sequence != (uint)Frames)
        {
            return Fail(offset, $"sequence number {sequence} where {Frames} was expected (frame missing or moved)");
        }

        const int MinEventBytes = RecordingFormat.EventHeaderSize + 8;
        if (rawLength == 0 || rawLength > RecordingFormat.MaxFrameBytes
            || storedLength == 0 || storedLength > RecordingFormat.MaxCompressedBytes
            || events == 0 || events > rawLength / MinEventBytes)
        {
            return Fail(offset, "frame lengths out of range");
        }

        if (statements < Statements)
        {
            return Fail(offset, "statement count goes backwards");
        }

        if (_chainKnown && !header.Slice(28, RecordingFormat.HashSize).SequenceEqual(_lastHash))
        {
            return Fail(offset, "previous-frame hash does not match (frame missing, moved or altered)");
        }

        long frameBytes = RecordingFormat.FrameHeaderSize + (long)storedLength + RecordingFormat.HashSize;
        if (remaining < frameBytes)
        {
            return ScanResult.Truncated;
        }

        if (readPayload)
        {
            var result = ReadPayload((int)storedLength, (int)rawLength, offset);
            if (result != ScanResult.Frame)
            {
                return result;
            }
        }
        else
        {
            _chainKnown = false;
            _payloadLength = 0;
        }

        EventCount = (int)events;
        Statements = statements;
        Frames++;
        ValidBytes = offset + frameBytes;
        return ScanResult.Frame;
    }

    /// <summary>Positions the scanner on a frame found earlier, to read it without the frames before it.</summary>
    public void SeekToFrame(long offset, int index, long statementsBefore)
    {
        ValidBytes = offset;
        Frames = index;
        Statements = statementsBefore;
        _chainKnown = false;
    }

    public void Dispose()
    {
        _stream.Dispose();
        _decompressor?.Dispose();
    }

    private ScanResult ReadPayload(int storedLength, int rawLength, long offset)
    {
        int total = storedLength + RecordingFormat.HashSize;
        if (_stored.Length < total)
        {
            _stored = new byte[total];
        }

        var stored = _stored.AsSpan(0, storedLength);
        _stream.ReadExactly(_stored.AsSpan(0, total));

        using (var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256))
        {
            Span<byte> computed = stackalloc byte[RecordingFormat.HashSize];
            hash.AppendData(_header);
            hash.AppendData(stored);
            hash.GetHashAndReset(computed);
            if (!computed.SequenceEqual(_stored.AsSpan(storedLength, RecordingFormat.HashSize)))
            {
                return Fail(offset, "frame hash does not match its contents (altered)");
            }

            computed.CopyTo(_lastHash);
            _chainKnown = true;
        }

        if (_payload.Length < rawLength)
        {
            _payload = new byte[rawLength];
        }

        _decompressor ??= new Decompressor();
        int written;
        try
        {
            written = _decompressor.Unwrap(stored, _payload.AsSpan(0, rawLength));
        }
        catch (Exception ex) when (ex is ZstdException or ArgumentException or InvalidOperationException)
        {
            return Fail(offset, "payload does not decompress: " + ex.Message);
        }

        if (written != rawLength)
        {
            return Fail(offset, $"payload decompresses to {written} bytes, header says {rawLength}");
        }

        _payloadLength = rawLength;
        return ScanResult.Frame;
    }

    private ScanResult Fail(long offset, string reason)
    {
        FrameOffset = offset;
        Error = offset == 0 ? reason : $"frame {Frames} at byte {offset}: {reason}";
        return ScanResult.Corrupt;
    }
}
