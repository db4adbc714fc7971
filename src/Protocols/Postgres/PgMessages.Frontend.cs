using System.Buffers.Binary;

namespace Sluice.Protocols.Postgres;

/// <summary>Decoders for messages a client sends.</summary>
public static partial class PgMessages
{
    /// <summary>Query ('Q'): the SQL text without its NUL.</summary>
    public static ReadOnlySpan<byte> QueryText(ReadOnlySpan<byte> message)
    {
        var reader = new PgMessageReader(Body(message, PgFrontendMessageType.Query));
        ReadOnlySpan<byte> text = reader.ReadCString();
        reader.EnsureEnd("Query");
        return text;
    }

    /// <summary>
    /// Parse ('P'): String statement name, String query, Int16 n, n × Int32 parameter type OIDs.
    /// </summary>
    public static void ParseMessage(ReadOnlySpan<byte> message, out ReadOnlySpan<byte> statementName,
        out ReadOnlySpan<byte> queryText, out int parameterTypeCount)
    {
        var reader = new PgMessageReader(Body(message, PgFrontendMessageType.Parse));
        statementName = reader.ReadCString();
        queryText = reader.ReadCString();
        parameterTypeCount = reader.ReadUInt16BigEndian();
        reader.ReadBytes(parameterTypeCount * 4);
        reader.EnsureEnd("Parse");
    }

    /// <summary>Parse ('P'): copies the declared parameter type OIDs (0 = unspecified); returns how many.</summary>
    public static int ParseParameterTypes(ReadOnlySpan<byte> message, Span<uint> destination)
    {
        ParseMessage(message, out _, out _, out int count);
        if (destination.Length < count)
        {
            throw new ArgumentException("destination is too small for the parameter types", nameof(destination));
        }

        ReadOnlySpan<byte> oids = message[(message.Length - (count * 4))..];
        for (int i = 0; i < count; i++)
        {
            destination[i] = BinaryPrimitives.ReadUInt32BigEndian(oids[(i * 4)..]);
        }

        return count;
    }

    /// <summary>
    /// Bind ('B'): String portal, String statement, Int16 nf, nf × Int16 format codes, Int16 np, np × (Int32
    /// length or -1, bytes), Int16 nr, nr × Int16 result format codes. The whole message is validated,
    /// including PostgreSQL's rule that nf is 0, 1 or np.
    /// </summary>
    public static void BindMessage(ReadOnlySpan<byte> message, out ReadOnlySpan<byte> portal,
        out ReadOnlySpan<byte> statementName, out int parameterCount)
    {
        var reader = new PgMessageReader(Body(message, PgFrontendMessageType.Bind));
        portal = reader.ReadCString();
        statementName = reader.ReadCString();
        BindSections(ref reader, out _, out parameterCount, out _, out _);
    }

    /// <summary>
    /// Bind ('B'): the format code that applies to parameter <paramref name="parameterIndex"/> (0 text,
    /// 1 binary), following the protocol's "none means text, one applies to all" rule.
    /// </summary>
    public static short BindParameterFormatCode(ReadOnlySpan<byte> message, int parameterIndex)
    {
        var reader = new PgMessageReader(Body(message, PgFrontendMessageType.Bind));
        reader.ReadCString();
        reader.ReadCString();
        BindSections(ref reader, out ReadOnlySpan<byte> formats, out int parameterCount, out _, out _);
        if ((uint)parameterIndex >= (uint)parameterCount)
        {
            throw new ArgumentOutOfRangeException(nameof(parameterIndex));
        }

        return (formats.Length / 2) switch
        {
            0 => 0,
            1 => BinaryPrimitives.ReadInt16BigEndian(formats),
            _ => BinaryPrimitives.ReadInt16BigEndian(formats[(parameterIndex * 2)..]),
        };
    }

    /// <summary>
    /// Bind ('B'): rewrites the parameter values into the neutral cells encoding (UInt16 count, then per cell
    /// Int32 length, -1 for NULL, and the bytes) in <paramref name="destination"/>. Returns the bytes written, or
    /// -1 when <paramref name="destination"/> is too small. The encoding equals the Bind's own parameter block.
    /// </summary>
    public static int BindParametersAsCells(ReadOnlySpan<byte> message, Span<byte> destination)
    {
        var reader = new PgMessageReader(Body(message, PgFrontendMessageType.Bind));
        reader.ReadCString();
        reader.ReadCString();
        BindSections(ref reader, out _, out _, out ReadOnlySpan<byte> cells, out _);
        if (cells.Length > destination.Length)
        {
            return -1;
        }

        cells.CopyTo(destination);
        return cells.Length;
    }

    // After the two names: reads and validates the remaining sections of a Bind, up to its end.
    private static void BindSections(ref PgMessageReader reader, out ReadOnlySpan<byte> formatCodes,
        out int parameterCount, out ReadOnlySpan<byte> cells, out ReadOnlySpan<byte> resultFormatCodes)
    {
        int formatCount = reader.ReadUInt16BigEndian();
        formatCodes = reader.ReadBytes(formatCount * 2);
        int cellsStart = reader.Position;
        parameterCount = reader.ReadUInt16BigEndian();
        if (formatCount > 1 && formatCount != parameterCount)
        {
            PgThrow.Protocol("Bind has a parameter format count that matches neither 1 nor the parameters");
        }

        SkipCells(ref reader, parameterCount);
        cells = reader.SpanSince(cellsStart);
        int resultCount = reader.ReadUInt16BigEndian();
        resultFormatCodes = reader.ReadBytes(resultCount * 2);
        reader.EnsureEnd("Bind");
    }

    /// <summary>Execute ('E'): String portal, Int32 maximum rows (0 = no limit).</summary>
    public static void ExecuteMessage(ReadOnlySpan<byte> message, out ReadOnlySpan<byte> portal, out int maxRows)
    {
        var reader = new PgMessageReader(Body(message, PgFrontendMessageType.Execute));
        portal = reader.ReadCString();
        maxRows = reader.ReadInt32BigEndian();
        reader.EnsureEnd("Execute");
    }

    /// <summary>
    /// Describe ('D') or Close ('C'): Byte1 'S' (statement) or 'P' (portal), then the name. Pass the type byte
    /// the message is expected to carry.
    /// </summary>
    public static void DescribeOrClose(ReadOnlySpan<byte> message, PgFrontendMessageType type, out char target,
        out ReadOnlySpan<byte> name)
    {
        if (type is not (PgFrontendMessageType.Describe or PgFrontendMessageType.Close))
        {
            throw new ArgumentOutOfRangeException(nameof(type));
        }

        var reader = new PgMessageReader(Body(message, type));
        target = (char)reader.ReadByte();
        if (target is not ('S' or 'P'))
        {
            PgThrow.Protocol("Describe or Close targets neither a statement nor a portal");
        }

        name = reader.ReadCString();
        reader.EnsureEnd("Describe/Close");
    }

    /// <summary>PasswordMessage ('p') answering a cleartext or MD5 request: the password without its NUL.</summary>
    public static ReadOnlySpan<byte> PasswordText(ReadOnlySpan<byte> message)
    {
        var reader = new PgMessageReader(Body(message, PgFrontendMessageType.Password));
        ReadOnlySpan<byte> text = reader.ReadCString();
        reader.EnsureEnd("PasswordMessage");
        return text;
    }

    /// <summary>
    /// SASLInitialResponse ('p'): String mechanism, Int32 length of the data (-1 for none), data. A missing
    /// data block is returned as empty.
    /// </summary>
    public static void SaslInitialResponse(ReadOnlySpan<byte> message, out ReadOnlySpan<byte> mechanism,
        out ReadOnlySpan<byte> data)
    {
        var reader = new PgMessageReader(Body(message, PgFrontendMessageType.Password));
        mechanism = reader.ReadCString();
        int length = reader.ReadInt32BigEndian();
        data = length == -1 ? default : reader.ReadBytes(length);
        reader.EnsureEnd("SASLInitialResponse");
    }

    /// <summary>SASLResponse ('p'): the mechanism-specific data, which is the whole body.</summary>
    public static ReadOnlySpan<byte> SaslResponse(ReadOnlySpan<byte> message) =>
        Body(message, PgFrontendMessageType.Password);
}
