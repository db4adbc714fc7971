using System.Text;

namespace Sluice.Protocols.Postgres;

/// <summary>Decoders for messages a server sends.</summary>
public static partial class PgMessages
{
    // Smallest possible RowDescription field: an empty name's NUL plus 18 bytes of fixed fields.
    private const int MinimumFieldLength = 19;

    /// <summary>
    /// DataRow ('D'): Int16 count, then per column Int32 length (-1 for NULL) and the bytes. Validates every
    /// length and returns the body, which is already in the neutral cells encoding.
    /// </summary>
    public static ReadOnlySpan<byte> DataRowCells(ReadOnlySpan<byte> message)
    {
        ReadOnlySpan<byte> body = Body(message, PgBackendMessageType.DataRow);
        var reader = new PgMessageReader(body);
        int count = reader.ReadUInt16BigEndian();
        for (int i = 0; i < count; i++)
        {
            int length = reader.ReadInt32BigEndian();
            if (length != -1)
            {
                reader.ReadBytes(length);
            }
        }

        reader.EnsureEnd("DataRow");
        return body;
    }

    /// <summary>
    /// RowDescription ('T'): the declared field count, after checking that the body could hold that many
    /// fields, so a caller can size a buffer for <see cref="RowDescription"/> without trusting a wild count.
    /// </summary>
    public static int RowDescriptionCount(ReadOnlySpan<byte> message)
    {
        var reader = new PgMessageReader(Body(message, PgBackendMessageType.RowDescription));
        int count = reader.ReadUInt16BigEndian();
        if ((long)count * MinimumFieldLength > reader.Remaining)
        {
            PgThrow.Protocol("RowDescription declares more fields than it holds");
        }

        return count;
    }

    /// <summary>
    /// RowDescription ('T'): Int16 count, then per field String name, Int32 table OID, Int16 column number,
    /// Int32 type OID, Int16 type size, Int32 type modifier, Int16 format code. Fills
    /// <paramref name="fields"/> and returns the count; throws <see cref="ArgumentException"/> when
    /// <paramref name="fields"/> is too small (size it with <see cref="RowDescriptionCount"/>).
    /// </summary>
    public static int RowDescription(ReadOnlySpan<byte> message, Span<PgFieldDescription> fields)
    {
        int count = RowDescriptionCount(message);
        if (fields.Length < count)
        {
            throw new ArgumentException("fields is smaller than the RowDescription's field count", nameof(fields));
        }

        var reader = new PgMessageReader(message[(PgFrameScanner.TypedHeaderLength + 2)..]);
        for (int i = 0; i < count; i++)
        {
            string name = reader.ReadCStringAsString();
            fields[i] = new PgFieldDescription(name, reader.ReadUInt32BigEndian(), reader.ReadInt16BigEndian(),
                reader.ReadUInt32BigEndian(), reader.ReadInt16BigEndian(), reader.ReadInt32BigEndian(),
                reader.ReadInt16BigEndian());
        }

        reader.EnsureEnd("RowDescription");
        return count;
    }

    /// <summary>CommandComplete ('C'): the command tag, e.g. "SELECT 5", without its NUL.</summary>
    public static ReadOnlySpan<byte> CommandTag(ReadOnlySpan<byte> message)
    {
        var reader = new PgMessageReader(Body(message, PgBackendMessageType.CommandComplete));
        ReadOnlySpan<byte> tag = reader.ReadCString();
        reader.EnsureEnd("CommandComplete");
        return tag;
    }

    /// <summary>
    /// ErrorResponse ('E') or NoticeResponse ('N'): a list of (Byte1 field code, String value) ended by a zero
    /// byte. Severity (S or V), SQLSTATE (C) and message (M) are required, as the protocol promises them.
    /// </summary>
    public static PgErrorFields ErrorOrNotice(ReadOnlySpan<byte> message)
    {
        byte type = message.Length > 0 ? message[0] : (byte)0;
        if (type != (byte)PgBackendMessageType.NoticeResponse)
        {
            type = (byte)PgBackendMessageType.ErrorResponse;
        }

        var reader = new PgMessageReader(Body(message, type));
        string? localized = null, severity = null, code = null, text = null, detail = null, hint = null;
        while (true)
        {
            byte field = reader.ReadByte();
            if (field == 0)
            {
                break;
            }

            ReadOnlySpan<byte> value = reader.ReadCString();
            switch (field)
            {
                case (byte)'S': localized = Encoding.UTF8.GetString(value); break;
                case (byte)'V': severity = Encoding.UTF8.GetString(value); break;
                case (byte)'C': code = Encoding.UTF8.GetString(value); break;
                case (byte)'M': text = Encoding.UTF8.GetString(value); break;
                case (byte)'D': detail = Encoding.UTF8.GetString(value); break;
                case (byte)'H': hint = Encoding.UTF8.GetString(value); break;
                default: break;
            }
        }

        reader.EnsureEnd("ErrorResponse/NoticeResponse");
        severity ??= localized;
        if (severity is null || code is null || text is null)
        {
            PgThrow.Protocol("ErrorResponse/NoticeResponse lacks severity, code or message");
        }

        return new PgErrorFields(severity, code, text, detail, hint);
    }

    /// <summary>ReadyForQuery ('Z'): transaction status 'I' (idle), 'T' (in a block) or 'E' (failed block).</summary>
    public static char ReadyForQueryStatus(ReadOnlySpan<byte> message)
    {
        ReadOnlySpan<byte> body = Body(message, PgBackendMessageType.ReadyForQuery);
        if (body.Length != 1 || body[0] is not ((byte)'I' or (byte)'T' or (byte)'E'))
        {
            PgThrow.Protocol("ReadyForQuery has a bad status");
        }

        return (char)body[0];
    }

    /// <summary>BackendKeyData ('K'): Int32 process id, Int32 secret key (protocol 3.0's fixed 4-byte key).</summary>
    public static void BackendKeyData(ReadOnlySpan<byte> message, out int processId, out int secretKey)
    {
        var reader = new PgMessageReader(Body(message, PgBackendMessageType.BackendKeyData));
        processId = reader.ReadInt32BigEndian();
        secretKey = reader.ReadInt32BigEndian();
        reader.EnsureEnd("BackendKeyData");
    }

    /// <summary>ParameterStatus ('S'): String name, String value.</summary>
    public static void ParameterStatus(ReadOnlySpan<byte> message, out string name, out string value)
    {
        var reader = new PgMessageReader(Body(message, PgBackendMessageType.ParameterStatus));
        name = reader.ReadCStringAsString();
        value = reader.ReadCStringAsString();
        reader.EnsureEnd("ParameterStatus");
    }

    /// <summary>
    /// Authentication ('R'): Int32 code, then a code-specific payload that is checked for shape: empty for Ok
    /// and CleartextPassword, 4 bytes for MD5, a NUL-terminated list ending in an empty string for SASL.
    /// </summary>
    public static PgAuthenticationRequest Authentication(ReadOnlySpan<byte> message)
    {
        var reader = new PgMessageReader(Body(message, PgBackendMessageType.Authentication));
        int raw = reader.ReadInt32BigEndian();
        ReadOnlySpan<byte> payload = reader.RemainingSpan;
        PgAuthenticationCode code = raw switch
        {
            0 => PgAuthenticationCode.Ok,
            3 => PgAuthenticationCode.CleartextPassword,
            5 => PgAuthenticationCode.Md5Password,
            10 => PgAuthenticationCode.Sasl,
            11 => PgAuthenticationCode.SaslContinue,
            12 => PgAuthenticationCode.SaslFinal,
            _ => PgAuthenticationCode.Other,
        };

        switch (code)
        {
            case PgAuthenticationCode.Ok or PgAuthenticationCode.CleartextPassword when !payload.IsEmpty:
                PgThrow.Protocol("authentication request has an unexpected payload");
                break;
            case PgAuthenticationCode.Md5Password when payload.Length != 4:
                PgThrow.Protocol("MD5 authentication request has a bad salt");
                break;
            case PgAuthenticationCode.Sasl:
                ValidateMechanismList(payload);
                break;
        }

        return new PgAuthenticationRequest(code, raw, payload);
    }

    private static void ValidateMechanismList(ReadOnlySpan<byte> payload)
    {
        var reader = new PgMessageReader(payload);
        while (!reader.ReadCString().IsEmpty)
        {
        }

        reader.EnsureEnd("AuthenticationSASL");
    }
}
