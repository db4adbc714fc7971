using System.Buffers.Binary;

namespace Sluice.Protocols.Postgres;

/// <summary>
/// Decoders over one whole typed message (type byte, Int32 length, body) as a span, as delimited by
/// <see cref="PgFrameScanner.TryScanMessage"/>. Each checks the type byte and that the declared length matches
/// the span, validates the whole body, and throws <see cref="PgProtocolException"/> on anything malformed.
/// They allocate only where they return strings.
/// </summary>
public static partial class PgMessages
{
    /// <summary>
    /// Checks the header of <paramref name="message"/> against <paramref name="expectedType"/> and returns the
    /// body (everything after the 5-byte header).
    /// </summary>
    public static ReadOnlySpan<byte> Body(ReadOnlySpan<byte> message, byte expectedType)
    {
        if (message.Length < PgFrameScanner.TypedHeaderLength)
        {
            PgThrow.Protocol("message is shorter than its header");
        }

        if (message[0] != expectedType)
        {
            PgThrow.Protocol("unexpected message type");
        }

        if (BinaryPrimitives.ReadInt32BigEndian(message[1..]) != message.Length - 1)
        {
            PgThrow.Protocol("message length does not match the frame");
        }

        return message[PgFrameScanner.TypedHeaderLength..];
    }

    private static ReadOnlySpan<byte> Body(ReadOnlySpan<byte> message, PgFrontendMessageType type) =>
        Body(message, (byte)type);

    private static ReadOnlySpan<byte> Body(ReadOnlySpan<byte> message, PgBackendMessageType type) =>
        Body(message, (byte)type);

    /// <summary>
    /// Walks a "cells" block: UInt16 count, then per cell an Int32 length (-1 for NULL) and that many bytes.
    /// Returns the count; throws unless the cells fill <paramref name="cells"/> exactly.
    /// </summary>
    public static int ValidateCells(ReadOnlySpan<byte> cells)
    {
        var reader = new PgMessageReader(cells);
        int count = reader.ReadUInt16BigEndian();
        SkipCells(ref reader, count);
        reader.EnsureEnd("cell list");
        return count;
    }

    private static void SkipCells(ref PgMessageReader reader, int count)
    {
        for (int i = 0; i < count; i++)
        {
            int length = reader.ReadInt32BigEndian();
            if (length == -1)
            {
                continue;
            }

            reader.ReadBytes(length);
        }
    }
}
