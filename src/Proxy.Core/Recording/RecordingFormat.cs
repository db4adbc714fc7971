using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Sluice.Core.Recording;

/// <summary>
/// The on-disk layout of a recording file. All integers are little-endian unless said otherwise.
/// </summary>
/// <remarks>
/// <code>
/// file    := file-header frame*
/// file-header (8 bytes):
///   +0  "SLUICE"                 6 bytes magic
///   +6  version     u16          currently 1
///
/// frame   := frame-header payload frame-hash
/// frame-header (64 bytes):
///   +0  "SLFR"                   4 bytes magic
///   +4  sequence    u32          0, 1, 2, ... in file order
///   +8  events      u32          number of events in the payload
///   +12 rawLength   u32          payload length after decompression (at most 32 MiB)
///   +16 zstdLength  u32          payload length as stored
///   +20 statements  u64          statements completed in this and all earlier frames
///   +28 previous    32 bytes     SHA-256 of the previous frame (frame-hash), or for
///                                frame 0 the SHA-256 of the file header
///   +60 check       4 bytes      first 4 bytes of SHA-256 over bytes 0..59 of this header, so a
///                                damaged length is told apart from a file cut short
/// payload:    zstdLength bytes, one zstd frame holding the concatenated events
/// frame-hash: 32 bytes, SHA-256 over frame-header and payload as stored
///
/// event   := type u8, bodyLength u32, body
/// body    := at i64 (unix microseconds, UTC), then the fields of that type:
///   string   u32 length + UTF-8 bytes;  optional string: length 0xFFFFFFFF means null
///   bool     u8 0 or 1;  counts i64
///   cells    u32 length + a PostgreSQL DataRow body (big-endian u16 count, per cell
///            big-endian i32 length, -1 for NULL, then the bytes)
/// </code>
/// Each frame names the hash of the frame before it, so removing, reordering or editing any frame
/// breaks the chain at that point. A crash can only cut the file after its last complete frame;
/// readers treat such a partial tail as the end of a recording and everything before it as valid.
/// The chain proves the file is whole relative to its own start; to prove that nobody rewrote the whole
/// file, compare the final hash with the one the audit log kept at session end.
/// A reader rejects any event type, flag or trailing byte it does not know rather than guessing.
/// </remarks>
internal static class RecordingFormat
{
    public const int FileHeaderSize = 8;
    public const ushort Version = 1;
    public const int FrameHeaderSize = 64;
    public const int HeaderCheckOffset = 60;
    public const int HashSize = 32;

    /// <summary>Flusher cuts frames near this size so a reader never needs large buffers.</summary>
    public const int TargetFrameBytes = 4 * 1024 * 1024;

    /// <summary>Largest uncompressed payload a reader accepts; a single event never exceeds it.</summary>
    public const int MaxFrameBytes = 32 * 1024 * 1024;

    /// <summary>Statement text, error text and similar fields are cut to this many bytes.</summary>
    public const int MaxFieldBytes = 16 * 1024 * 1024;

    /// <summary>Largest encoded event; a row larger than this is counted but not stored.</summary>
    public const int MaxEventBytes = MaxFieldBytes + (64 * 1024);

    /// <summary>Event header: type byte and body length.</summary>
    public const int EventHeaderSize = 5;

    /// <summary>Largest zstd output for <see cref="MaxFrameBytes"/>, with room to spare.</summary>
    public const int MaxCompressedBytes = MaxFrameBytes + (MaxFrameBytes / 128) + (64 * 1024);

    public static ReadOnlySpan<byte> FileMagic => "SLUICE"u8;

    public static ReadOnlySpan<byte> FrameMagic => "SLFR"u8;

    public static void WriteFileHeader(Span<byte> destination)
    {
        FileMagic.CopyTo(destination);
        BinaryPrimitives.WriteUInt16LittleEndian(destination[6..], Version);
    }

    /// <summary>Fills the header check field from the 60 bytes before it.</summary>
    public static void WriteHeaderCheck(Span<byte> frameHeader)
    {
        Span<byte> hash = stackalloc byte[HashSize];
        SHA256.HashData(frameHeader[..HeaderCheckOffset], hash);
        hash[..4].CopyTo(frameHeader[HeaderCheckOffset..]);
    }

    public static bool HeaderCheckMatches(ReadOnlySpan<byte> frameHeader)
    {
        Span<byte> hash = stackalloc byte[HashSize];
        SHA256.HashData(frameHeader[..HeaderCheckOffset], hash);
        return hash[..4].SequenceEqual(frameHeader.Slice(HeaderCheckOffset, 4));
    }

    /// <summary>Unix microseconds; times before 1970 (such as an unset default) are stored as the epoch.</summary>
    public static long ToMicros(DateTimeOffset value) =>
        Math.Max(0, (value.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / TimeSpan.TicksPerMicrosecond);

    public static bool TryFromMicros(long micros, out DateTimeOffset value)
    {
        const long MaxMicros = (3155378975999999999L - 621355968000000000L) / 10;
        if (micros < 0 || micros > MaxMicros)
        {
            value = default;
            return false;
        }

        value = DateTimeOffset.UnixEpoch.AddTicks(micros * TimeSpan.TicksPerMicrosecond);
        return true;
    }
}
