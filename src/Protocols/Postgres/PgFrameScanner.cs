using System.Buffers;
using System.Buffers.Binary;

namespace Sluice.Protocols.Postgres;

/// <summary>
/// Answers only "is a whole frame at the start of this buffer, and how long is it". It never consumes, never
/// looks at a body, and allocates nothing: a header that straddles segments is copied to a stack buffer.
/// </summary>
/// <remarks>
/// The declared length is checked against <c>maxMessageBytes</c> as soon as the header is here, so a client
/// cannot make the relay buffer an oversized body. A pipe loop that gets <see cref="PgScanStatus.NeedMoreData"/>
/// should advance with <c>examined</c> at the buffer's end so that it waits for more bytes instead of spinning.
/// </remarks>
public static class PgFrameScanner
{
    /// <summary>Size of a typed header: type byte plus Int32 length.</summary>
    public const int TypedHeaderLength = 5;

    /// <summary>Size of a startup header: Int32 length plus Int32 code.</summary>
    public const int StartupHeaderLength = 8;

    /// <summary>
    /// Scans a typed message: one type byte, then an Int32 big-endian length that counts itself but not the
    /// type byte (so at least 4). On <see cref="PgScanStatus.Complete"/>, <paramref name="frameLength"/> is
    /// 1 + length. <paramref name="maxMessageBytes"/> bounds the declared length; a larger one is
    /// <see cref="PgScanStatus.TooLarge"/>. <paramref name="type"/> is reported whenever at least one byte
    /// is buffered; <paramref name="frameLength"/> is 0 unless the result is Complete.
    /// </summary>
    public static PgScanStatus TryScanMessage(in ReadOnlySequence<byte> buffer, int maxMessageBytes,
        out byte type, out int frameLength)
    {
        frameLength = 0;
        ReadOnlySpan<byte> first = buffer.FirstSpan;
        if (buffer.IsEmpty)
        {
            type = 0;
            return PgScanStatus.NeedMoreData;
        }

        if (first.Length >= TypedHeaderLength)
        {
            type = first[0];
            return Classify(BinaryPrimitives.ReadInt32BigEndian(first[1..]), 4, 1, buffer.Length, maxMessageBytes,
                out frameLength);
        }

        // Slow path: the header straddles segments (or the first segment is empty), so gather it on the stack.
        Span<byte> header = stackalloc byte[TypedHeaderLength];
        int have = (int)Math.Min(buffer.Length, TypedHeaderLength);
        buffer.Slice(0, have).CopyTo(header);
        type = header[0];
        if (have < TypedHeaderLength)
        {
            return PgScanStatus.NeedMoreData;
        }

        return Classify(BinaryPrimitives.ReadInt32BigEndian(header[1..]), 4, 1, buffer.Length, maxMessageBytes,
            out frameLength);
    }

    /// <summary>
    /// Scans an untyped startup-phase packet: an Int32 big-endian length that counts itself (at least 8, since
    /// an Int32 code always follows), then the body. On Complete, <paramref name="frameLength"/> is that length.
    /// The length is judged once its four bytes are here, before the code or body arrive.
    /// </summary>
    public static PgScanStatus TryScanStartup(in ReadOnlySequence<byte> buffer, int maxMessageBytes,
        out int frameLength)
    {
        frameLength = 0;
        ReadOnlySpan<byte> first = buffer.FirstSpan;
        if (first.Length >= 4)
        {
            return Classify(BinaryPrimitives.ReadInt32BigEndian(first), StartupHeaderLength, 0, buffer.Length,
                maxMessageBytes, out frameLength);
        }

        if (buffer.Length < 4)
        {
            return PgScanStatus.NeedMoreData;
        }

        Span<byte> header = stackalloc byte[4];
        buffer.Slice(0, 4).CopyTo(header);
        return Classify(BinaryPrimitives.ReadInt32BigEndian(header), StartupHeaderLength, 0, buffer.Length,
            maxMessageBytes, out frameLength);
    }

    private static PgScanStatus Classify(int declared, int minimum, int prefix, long available, int max,
        out int frameLength)
    {
        frameLength = 0;
        if (declared < minimum)
        {
            return PgScanStatus.Malformed;
        }

        // The second test keeps prefix + declared from overflowing when the caller sets no practical limit.
        if (declared > max || declared > int.MaxValue - prefix)
        {
            return PgScanStatus.TooLarge;
        }

        int total = prefix + declared;
        if (available < total)
        {
            return PgScanStatus.NeedMoreData;
        }

        frameLength = total;
        return PgScanStatus.Complete;
    }
}
