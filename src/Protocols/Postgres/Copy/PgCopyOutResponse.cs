namespace Sluice.Protocols.Postgres;

/// <summary>
/// CopyOutResponse ('H'): Int8 overall format (0 text, 1 binary), Int16 column count, then one Int16 format
/// code per column. Gives the column count a <see cref="PgCopyRowRewriter"/> needs and lets the gateway check
/// the server agrees with the format it parsed from the COPY statement (text and CSV both report 0).
/// </summary>
public static class PgCopyOutResponse
{
    /// <summary>
    /// Decodes a whole CopyOutResponse message (type byte and length included). Throws
    /// <see cref="PgProtocolException"/> when it is malformed or a column's format code differs from the overall
    /// format, which PostgreSQL never sends for COPY.
    /// </summary>
    /// <returns>The column count.</returns>
    public static int Read(ReadOnlySpan<byte> message, out bool binary)
    {
        var reader = new PgMessageReader(PgMessages.Body(message, (byte)PgBackendMessageType.CopyOutResponse));
        byte overall = reader.ReadByte();
        if (overall > 1)
        {
            PgThrow.Protocol("CopyOutResponse has an unknown overall format");
        }

        int count = reader.ReadInt16BigEndian();
        if (count < 0)
        {
            PgThrow.Protocol("CopyOutResponse has a negative column count");
        }

        for (int i = 0; i < count; i++)
        {
            if (reader.ReadInt16BigEndian() != overall)
            {
                PgThrow.Protocol("CopyOutResponse mixes column formats");
            }
        }

        reader.EnsureEnd("CopyOutResponse");
        binary = overall == 1;
        return count;
    }

    /// <summary>True when a response's overall format fits <paramref name="format"/> (binary vs text/CSV).</summary>
    public static bool Matches(PgCopyFormat format, bool binary) => binary == (format == PgCopyFormat.Binary);
}
