using System.Buffers.Binary;

namespace Sluice.Protocols.Postgres;

/// <summary>
/// Exact-length frame reads straight from a stream, for the start-up phase. Nothing is read ahead:
/// after an SSLRequest the next bytes on the socket belong to the TLS handshake, so no buffered
/// reader may have swallowed them.
/// </summary>
internal static class PgStreamFrames
{
    /// <summary>PostgreSQL itself refuses start-up packets above this size.</summary>
    public const int MaxStartupPacketBytes = 10_000;

    /// <summary>Reads one untyped start-up packet, or returns null when the peer closed before sending one.</summary>
    public static async ValueTask<byte[]?> ReadStartupAsync(Stream stream, CancellationToken cancellationToken)
    {
        var header = new byte[4];
        if (!await ReadExactOrEndAsync(stream, header, cancellationToken))
        {
            return null;
        }

        var length = BinaryPrimitives.ReadInt32BigEndian(header);
        if (length < 8 || length > MaxStartupPacketBytes)
        {
            throw new PgProtocolException($"invalid start-up packet length {length}");
        }

        var frame = new byte[length];
        header.CopyTo(frame, 0);
        await ReadExactAsync(stream, frame.AsMemory(4), cancellationToken);
        return frame;
    }

    /// <summary>Reads one typed message (type byte, length, body) of at most <paramref name="maxBytes"/>.</summary>
    public static async ValueTask<byte[]> ReadMessageAsync(Stream stream, int maxBytes, CancellationToken cancellationToken)
    {
        var header = new byte[5];
        await ReadExactAsync(stream, header, cancellationToken);
        var length = BinaryPrimitives.ReadInt32BigEndian(header.AsSpan(1));
        if (length < 4)
        {
            throw new PgProtocolException($"invalid message length {length} for message type '{(char)header[0]}'");
        }

        if (length > maxBytes - 1)
        {
            throw new PgProtocolException(
                $"message of {length} bytes exceeds the limit of {maxBytes} bytes", "54000");
        }

        var frame = new byte[length + 1];
        header.CopyTo(frame, 0);
        await ReadExactAsync(stream, frame.AsMemory(5), cancellationToken);
        return frame;
    }

    private static async ValueTask ReadExactAsync(Stream stream, Memory<byte> buffer, CancellationToken cancellationToken)
    {
        if (!await ReadExactOrEndAsync(stream, buffer, cancellationToken))
        {
            throw new EndOfStreamException("the peer closed the connection in the middle of a message");
        }
    }

    private static async ValueTask<bool> ReadExactOrEndAsync(
        Stream stream, Memory<byte> buffer, CancellationToken cancellationToken)
    {
        var read = 0;
        while (read < buffer.Length)
        {
            var n = await stream.ReadAsync(buffer[read..], cancellationToken);
            if (n == 0)
            {
                if (read == 0)
                {
                    return false;
                }

                throw new EndOfStreamException("the peer closed the connection in the middle of a message");
            }

            read += n;
        }

        return true;
    }
}
