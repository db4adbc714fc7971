using System.Buffers.Binary;

namespace Sluice.Protocols.Postgres;

/// <summary>Binary format: the PGCOPY header once, then length-prefixed fields until the -1 trailer.</summary>
public sealed partial class PgCopyRowRewriter
{
    private const int BinaryHeaderFixedBytes = 19;

    // Bit 16 announced an OID column (gone since PostgreSQL 12); bits 0-15 are critical and must be understood.
    private const int BinaryKnownFlags = 0;

    /// <summary>"PGCOPY\n\377\r\n\0".</summary>
    private static ReadOnlySpan<byte> BinarySignature =>
        [0x50, 0x47, 0x43, 0x4F, 0x50, 0x59, 0x0A, 0xFF, 0x0D, 0x0A, 0x00];

    private PgCopyRewriteStatus RewriteBinary(
        ReadOnlySpan<byte> payload,
        Span<byte> destination,
        PgCopyFieldMasker masker,
        ref int written,
        ref int maskedFields)
    {
        int read = 0;
        int position = 0;
        bool headerDone = _headerDone;
        bool trailerSeen = _trailerSeen;
        if (!headerDone)
        {
            int headerLength = BinaryHeaderLength(payload);
            if (headerLength < 0)
            {
                return PgCopyRewriteStatus.Malformed;
            }

            if (!TryCopy(payload[..headerLength], destination, ref position))
            {
                return PgCopyRewriteStatus.DestinationTooSmall;
            }

            read = headerLength;
            headerDone = true;
        }

        while (read < payload.Length)
        {
            if (trailerSeen || payload.Length - read < 2)
            {
                return PgCopyRewriteStatus.Malformed;
            }

            short fieldCount = BinaryPrimitives.ReadInt16BigEndian(payload[read..]);
            if (fieldCount == -1)
            {
                trailerSeen = true;
            }
            else if (fieldCount != _columnCount)
            {
                return PgCopyRewriteStatus.Malformed;
            }

            if (!TryCopy(payload.Slice(read, 2), destination, ref position))
            {
                return PgCopyRewriteStatus.DestinationTooSmall;
            }

            read += 2;
            for (int column = 0; column < fieldCount; column++)
            {
                PgCopyRewriteStatus status = BinaryField(
                    column, payload, ref read, destination, ref position, masker, ref maskedFields);
                if (status != PgCopyRewriteStatus.Unchanged)
                {
                    return status;
                }
            }
        }

        _headerDone = headerDone;
        _trailerSeen = trailerSeen;
        written = position;
        return PgCopyRewriteStatus.Unchanged;
    }

    /// <summary>Length of the header (signature, flags, extension) at the payload's start, or -1 if invalid.</summary>
    private static int BinaryHeaderLength(ReadOnlySpan<byte> payload)
    {
        if (payload.Length < BinaryHeaderFixedBytes
            || !payload[..BinarySignature.Length].SequenceEqual(BinarySignature))
        {
            return -1;
        }

        int flags = BinaryPrimitives.ReadInt32BigEndian(payload[11..]);
        int extension = BinaryPrimitives.ReadInt32BigEndian(payload[15..]);
        if ((flags & ~BinaryKnownFlags) != 0 || extension < 0 || extension > payload.Length - BinaryHeaderFixedBytes)
        {
            return -1;
        }

        return BinaryHeaderFixedBytes + extension;
    }

    private static PgCopyRewriteStatus BinaryField(
        int column,
        ReadOnlySpan<byte> payload,
        ref int read,
        Span<byte> destination,
        ref int position,
        PgCopyFieldMasker masker,
        ref int maskedFields)
    {
        if (payload.Length - read < 4)
        {
            return PgCopyRewriteStatus.Malformed;
        }

        int length = BinaryPrimitives.ReadInt32BigEndian(payload[read..]);
        if (length < -1 || length > payload.Length - read - 4)
        {
            return PgCopyRewriteStatus.Malformed;
        }

        int fieldBytes = 4 + Math.Max(length, 0);
        ReadOnlySpan<byte> original = payload.Slice(read, fieldBytes);
        read += fieldBytes;
        if (destination.Length - position < 4)
        {
            return PgCopyRewriteStatus.DestinationTooSmall;
        }

        Span<byte> region = destination[(position + 4)..];
        int result = masker(column, original[4..], length == -1, region);
        if (result == PgCopyMaskResult.Unchanged)
        {
            return TryCopy(original, destination, ref position)
                ? PgCopyRewriteStatus.Unchanged
                : PgCopyRewriteStatus.DestinationTooSmall;
        }

        if (result == PgCopyMaskResult.DestinationTooSmall)
        {
            return PgCopyRewriteStatus.DestinationTooSmall;
        }

        if (result < -1 || result > region.Length)
        {
            return PgCopyRewriteStatus.Malformed;
        }

        maskedFields++;
        BinaryPrimitives.WriteInt32BigEndian(destination[position..], result);
        position += 4 + Math.Max(result, 0);
        return PgCopyRewriteStatus.Unchanged;
    }
}
