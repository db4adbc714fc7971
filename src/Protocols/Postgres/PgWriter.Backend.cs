using System.Buffers;

namespace Sluice.Protocols.Postgres;

/// <summary>
/// Writers of whole PostgreSQL messages into an <see cref="IBufferWriter{T}"/> such as a PipeWriter. Each
/// computes the exact length first and writes the message in one span. Strings are UTF-8; a string containing
/// NUL is rejected with <see cref="ArgumentException"/> because it would end the field early on the wire.
/// </summary>
public static partial class PgWriter
{
    /// <summary>
    /// ErrorResponse ('E') with fields S and V (both <paramref name="severity"/>, which should be one of the
    /// non-localized words such as ERROR or FATAL), C, M, and D and H when given.
    /// </summary>
    public static void ErrorResponse(IBufferWriter<byte> w, string severity, string sqlState, string message,
        string? detail = null, string? hint = null) =>
        Notice(w, PgBackendMessageType.ErrorResponse, severity, sqlState, message, detail, hint);

    /// <summary>NoticeResponse ('N') with fields S, V, C and M.</summary>
    public static void NoticeResponse(IBufferWriter<byte> w, string severity, string sqlState, string message) =>
        Notice(w, PgBackendMessageType.NoticeResponse, severity, sqlState, message, null, null);

    /// <summary>AuthenticationOk ('R', code 0).</summary>
    public static void AuthenticationOk(IBufferWriter<byte> w) => AuthenticationCode(w, 0);

    /// <summary>AuthenticationCleartextPassword ('R', code 3).</summary>
    public static void AuthenticationCleartextPassword(IBufferWriter<byte> w) => AuthenticationCode(w, 3);

    /// <summary>AuthenticationMD5Password ('R', code 5) with its 4-byte salt.</summary>
    public static void AuthenticationMd5Password(IBufferWriter<byte> w, ReadOnlySpan<byte> salt)
    {
        if (salt.Length != 4)
        {
            throw new ArgumentException("an MD5 salt is 4 bytes", nameof(salt));
        }

        AuthenticationWithPayload(w, (int)PgAuthenticationCode.Md5Password, salt);
    }

    /// <summary>AuthenticationSASL ('R', code 10) listing <paramref name="mechanisms"/>.</summary>
    public static void AuthenticationSasl(IBufferWriter<byte> w, params ReadOnlySpan<string> mechanisms)
    {
        int body = 4 + 1;
        foreach (string mechanism in mechanisms)
        {
            body += PgSpanWriter.CStringLength(mechanism);
        }

        PgSpanWriter writer = PgSpanWriter.Typed(w, (byte)PgBackendMessageType.Authentication, body);
        writer.WriteInt32((int)PgAuthenticationCode.Sasl);
        foreach (string mechanism in mechanisms)
        {
            writer.WriteCString(mechanism);
        }

        writer.WriteByte(0);
        writer.Commit(w);
    }

    /// <summary>AuthenticationSASLContinue ('R', code 11) carrying server-first data.</summary>
    public static void AuthenticationSaslContinue(IBufferWriter<byte> w, ReadOnlySpan<byte> data) =>
        AuthenticationWithPayload(w, (int)PgAuthenticationCode.SaslContinue, data);

    /// <summary>AuthenticationSASLFinal ('R', code 12) carrying server-final data.</summary>
    public static void AuthenticationSaslFinal(IBufferWriter<byte> w, ReadOnlySpan<byte> data) =>
        AuthenticationWithPayload(w, (int)PgAuthenticationCode.SaslFinal, data);

    /// <summary>ParameterStatus ('S').</summary>
    public static void ParameterStatus(IBufferWriter<byte> w, string name, string value)
    {
        int body = PgSpanWriter.CStringLength(name) + PgSpanWriter.CStringLength(value);
        PgSpanWriter writer = PgSpanWriter.Typed(w, (byte)PgBackendMessageType.ParameterStatus, body);
        writer.WriteCString(name);
        writer.WriteCString(value);
        writer.Commit(w);
    }

    /// <summary>BackendKeyData ('K') with a protocol 3.0 four-byte secret key.</summary>
    public static void BackendKeyData(IBufferWriter<byte> w, int processId, int secretKey)
    {
        PgSpanWriter writer = PgSpanWriter.Typed(w, (byte)PgBackendMessageType.BackendKeyData, 8);
        writer.WriteInt32(processId);
        writer.WriteInt32(secretKey);
        writer.Commit(w);
    }

    /// <summary>ReadyForQuery ('Z'); <paramref name="status"/> must be 'I', 'T' or 'E'.</summary>
    public static void ReadyForQuery(IBufferWriter<byte> w, char status)
    {
        if (status is not ('I' or 'T' or 'E'))
        {
            throw new ArgumentOutOfRangeException(nameof(status), "status must be 'I', 'T' or 'E'");
        }

        PgSpanWriter writer = PgSpanWriter.Typed(w, (byte)PgBackendMessageType.ReadyForQuery, 1);
        writer.WriteByte((byte)status);
        writer.Commit(w);
    }

    /// <summary>CommandComplete ('C') with a tag such as "SELECT 5".</summary>
    public static void CommandComplete(IBufferWriter<byte> w, string tag)
    {
        PgSpanWriter writer = PgSpanWriter.Typed(w, (byte)PgBackendMessageType.CommandComplete,
            PgSpanWriter.CStringLength(tag));
        writer.WriteCString(tag);
        writer.Commit(w);
    }

    /// <summary>RowDescription ('T') for <paramref name="fields"/>.</summary>
    public static void RowDescription(IBufferWriter<byte> w, ReadOnlySpan<PgFieldDescription> fields)
    {
        int body = 2;
        foreach (PgFieldDescription field in fields)
        {
            body += PgSpanWriter.CStringLength(field.Name) + 18;
        }

        PgSpanWriter writer = PgSpanWriter.Typed(w, (byte)PgBackendMessageType.RowDescription, body);
        writer.WriteInt16(checked((short)fields.Length));
        foreach (PgFieldDescription field in fields)
        {
            writer.WriteCString(field.Name);
            writer.WriteInt32((int)field.TableOid);
            writer.WriteInt16(field.ColumnNumber);
            writer.WriteInt32((int)field.TypeOid);
            writer.WriteInt16(field.TypeSize);
            writer.WriteInt32(field.TypeModifier);
            writer.WriteInt16(field.FormatCode);
        }

        writer.Commit(w);
    }

    /// <summary>
    /// DataRow ('D') whose body is <paramref name="cells"/> in the neutral cells encoding (as returned by
    /// <see cref="PgMessages.DataRowCells"/>); the cells are validated first.
    /// </summary>
    public static void DataRow(IBufferWriter<byte> w, ReadOnlySpan<byte> cells)
    {
        try
        {
            PgMessages.ValidateCells(cells);
        }
        catch (PgProtocolException e)
        {
            throw new ArgumentException("cells are not a valid cell list: " + e.Message, nameof(cells));
        }

        PgSpanWriter writer = PgSpanWriter.Typed(w, (byte)PgBackendMessageType.DataRow, cells.Length);
        writer.WriteBytes(cells);
        writer.Commit(w);
    }

    /// <summary>A message with no body, such as EmptyQueryResponse ('I'), ParseComplete ('1') or Sync ('S').</summary>
    public static void EmptyMessage(IBufferWriter<byte> w, byte type) =>
        PgSpanWriter.Typed(w, type, 0).Commit(w);

    private static void Notice(IBufferWriter<byte> w, PgBackendMessageType type, string severity, string sqlState,
        string message, string? detail, string? hint)
    {
        if (sqlState.Length != 5)
        {
            throw new ArgumentException("a SQLSTATE has five characters", nameof(sqlState));
        }

        int severityLength = PgSpanWriter.CStringLength(severity);
        int body = 1 + severityLength + 1 + severityLength + 1 + PgSpanWriter.CStringLength(sqlState)
            + 1 + PgSpanWriter.CStringLength(message) + 1;
        body += detail is null ? 0 : 1 + PgSpanWriter.CStringLength(detail);
        body += hint is null ? 0 : 1 + PgSpanWriter.CStringLength(hint);

        PgSpanWriter writer = PgSpanWriter.Typed(w, (byte)type, body);
        Field(ref writer, 'S', severity);
        Field(ref writer, 'V', severity);
        Field(ref writer, 'C', sqlState);
        Field(ref writer, 'M', message);
        if (detail is not null)
        {
            Field(ref writer, 'D', detail);
        }

        if (hint is not null)
        {
            Field(ref writer, 'H', hint);
        }

        writer.WriteByte(0);
        writer.Commit(w);
    }

    private static void Field(ref PgSpanWriter writer, char code, string value)
    {
        writer.WriteByte((byte)code);
        writer.WriteCString(value);
    }

    private static void AuthenticationCode(IBufferWriter<byte> w, int code)
    {
        PgSpanWriter writer = PgSpanWriter.Typed(w, (byte)PgBackendMessageType.Authentication, 4);
        writer.WriteInt32(code);
        writer.Commit(w);
    }

    private static void AuthenticationWithPayload(IBufferWriter<byte> w, int code, ReadOnlySpan<byte> payload)
    {
        PgSpanWriter writer = PgSpanWriter.Typed(w, (byte)PgBackendMessageType.Authentication, 4 + payload.Length);
        writer.WriteInt32(code);
        writer.WriteBytes(payload);
        writer.Commit(w);
    }
}
