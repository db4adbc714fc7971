using System.Buffers;

namespace Sluice.Protocols.Postgres;

/// <summary>Writers for messages a client sends (the gateway is the client of the upstream server).</summary>
public static partial class PgWriter
{
    /// <summary>
    /// StartupMessage for protocol 3.0: parameters in the order given, then the terminating NUL.
    /// <paramref name="parameters"/> is enumerated twice (size, then write), so pass a collection.
    /// </summary>
    public static void StartupMessage(IBufferWriter<byte> w, IEnumerable<KeyValuePair<string, string>> parameters)
    {
        int body = 1;
        foreach (KeyValuePair<string, string> pair in parameters)
        {
            if (pair.Key.Length == 0)
            {
                throw new ArgumentException("a startup parameter name cannot be empty", nameof(parameters));
            }

            body += PgSpanWriter.CStringLength(pair.Key) + PgSpanWriter.CStringLength(pair.Value);
        }

        PgSpanWriter writer = PgSpanWriter.Startup(w, PgStartupPacket.Protocol30, body);
        foreach (KeyValuePair<string, string> pair in parameters)
        {
            writer.WriteCString(pair.Key);
            writer.WriteCString(pair.Value);
        }

        writer.WriteByte(0);
        writer.Commit(w);
    }

    /// <summary>SSLRequest (length 8, code 80877103).</summary>
    public static void SslRequest(IBufferWriter<byte> w) =>
        PgSpanWriter.Startup(w, PgStartupPacket.SslRequestCode, 0).Commit(w);

    /// <summary>GSSENCRequest (length 8, code 80877104).</summary>
    public static void GssEncRequest(IBufferWriter<byte> w) =>
        PgSpanWriter.Startup(w, PgStartupPacket.GssEncRequestCode, 0).Commit(w);

    /// <summary>CancelRequest (length 16, code 80877102, process id, secret key).</summary>
    public static void CancelRequest(IBufferWriter<byte> w, int processId, int secretKey)
    {
        PgSpanWriter writer = PgSpanWriter.Startup(w, PgStartupPacket.CancelRequestCode, 8);
        writer.WriteInt32(processId);
        writer.WriteInt32(secretKey);
        writer.Commit(w);
    }

    /// <summary>PasswordMessage ('p') with a cleartext password or an "md5..." string.</summary>
    public static void PasswordMessage(IBufferWriter<byte> w, string password)
    {
        PgSpanWriter writer = PgSpanWriter.Typed(w, (byte)PgFrontendMessageType.Password,
            PgSpanWriter.CStringLength(password));
        writer.WriteCString(password);
        writer.Commit(w);
    }

    /// <summary>SASLInitialResponse ('p'): mechanism name, Int32 data length, data.</summary>
    public static void SaslInitialResponse(IBufferWriter<byte> w, string mechanism, ReadOnlySpan<byte> data)
    {
        int body = PgSpanWriter.CStringLength(mechanism) + 4 + data.Length;
        PgSpanWriter writer = PgSpanWriter.Typed(w, (byte)PgFrontendMessageType.Password, body);
        writer.WriteCString(mechanism);
        writer.WriteInt32(data.Length);
        writer.WriteBytes(data);
        writer.Commit(w);
    }

    /// <summary>SASLResponse ('p'): the data is the whole body.</summary>
    public static void SaslResponse(IBufferWriter<byte> w, ReadOnlySpan<byte> data)
    {
        PgSpanWriter writer = PgSpanWriter.Typed(w, (byte)PgFrontendMessageType.Password, data.Length);
        writer.WriteBytes(data);
        writer.Commit(w);
    }

    /// <summary>Terminate ('X').</summary>
    public static void Terminate(IBufferWriter<byte> w) => EmptyMessage(w, (byte)PgFrontendMessageType.Terminate);

    /// <summary>Sync ('S').</summary>
    public static void Sync(IBufferWriter<byte> w) => EmptyMessage(w, (byte)PgFrontendMessageType.Sync);

    /// <summary>Query ('Q') with the given SQL.</summary>
    public static void Query(IBufferWriter<byte> w, string sql)
    {
        PgSpanWriter writer = PgSpanWriter.Typed(w, (byte)PgFrontendMessageType.Query,
            PgSpanWriter.CStringLength(sql));
        writer.WriteCString(sql);
        writer.Commit(w);
    }

    /// <summary>Query ('Q') with SQL already encoded as UTF-8 (without a NUL).</summary>
    public static void Query(IBufferWriter<byte> w, ReadOnlySpan<byte> sqlUtf8)
    {
        PgSpanWriter writer = PgSpanWriter.Typed(w, (byte)PgFrontendMessageType.Query,
            PgSpanWriter.CStringLength(sqlUtf8));
        writer.WriteCString(sqlUtf8);
        writer.Commit(w);
    }

    /// <summary>Parse ('P'): statement name, query, parameter type OIDs (0 leaves a type unspecified).</summary>
    public static void Parse(IBufferWriter<byte> w, string statementName, string query,
        ReadOnlySpan<uint> parameterTypes)
    {
        int body = PgSpanWriter.CStringLength(statementName) + PgSpanWriter.CStringLength(query)
            + 2 + (4 * parameterTypes.Length);
        PgSpanWriter writer = PgSpanWriter.Typed(w, (byte)PgFrontendMessageType.Parse, body);
        writer.WriteCString(statementName);
        writer.WriteCString(query);
        writer.WriteInt16(unchecked((short)checked((ushort)parameterTypes.Length)));
        foreach (uint oid in parameterTypes)
        {
            writer.WriteInt32((int)oid);
        }

        writer.Commit(w);
    }

    /// <summary>
    /// Bind ('B'): portal, statement, parameter format codes, parameter values given in the neutral cells
    /// encoding (as produced by <see cref="PgMessages.BindParametersAsCells"/>), result format codes.
    /// </summary>
    public static void Bind(IBufferWriter<byte> w, string portal, string statementName,
        ReadOnlySpan<short> parameterFormats, ReadOnlySpan<byte> cells, ReadOnlySpan<short> resultFormats)
    {
        int parameterCount;
        try
        {
            parameterCount = PgMessages.ValidateCells(cells);
        }
        catch (PgProtocolException e)
        {
            throw new ArgumentException("cells are not a valid cell list: " + e.Message, nameof(cells));
        }

        if (parameterFormats.Length > 1 && parameterFormats.Length != parameterCount)
        {
            throw new ArgumentException("give zero, one, or one format per parameter", nameof(parameterFormats));
        }

        int body = PgSpanWriter.CStringLength(portal) + PgSpanWriter.CStringLength(statementName)
            + 2 + (2 * parameterFormats.Length) + cells.Length + 2 + (2 * resultFormats.Length);
        PgSpanWriter writer = PgSpanWriter.Typed(w, (byte)PgFrontendMessageType.Bind, body);
        writer.WriteCString(portal);
        writer.WriteCString(statementName);
        WriteShorts(ref writer, parameterFormats);
        writer.WriteBytes(cells);
        WriteShorts(ref writer, resultFormats);
        writer.Commit(w);
    }

    /// <summary>Execute ('E'): portal and maximum rows (0 = all).</summary>
    public static void Execute(IBufferWriter<byte> w, string portal, int maxRows)
    {
        PgSpanWriter writer = PgSpanWriter.Typed(w, (byte)PgFrontendMessageType.Execute,
            PgSpanWriter.CStringLength(portal) + 4);
        writer.WriteCString(portal);
        writer.WriteInt32(maxRows);
        writer.Commit(w);
    }

    /// <summary>Describe ('D') of a statement ('S') or portal ('P').</summary>
    public static void Describe(IBufferWriter<byte> w, char target, string name) =>
        TargetedName(w, PgFrontendMessageType.Describe, target, name);

    /// <summary>Close ('C') of a statement ('S') or portal ('P').</summary>
    public static void Close(IBufferWriter<byte> w, char target, string name) =>
        TargetedName(w, PgFrontendMessageType.Close, target, name);

    private static void TargetedName(IBufferWriter<byte> w, PgFrontendMessageType type, char target, string name)
    {
        if (target is not ('S' or 'P'))
        {
            throw new ArgumentOutOfRangeException(nameof(target), "target must be 'S' or 'P'");
        }

        PgSpanWriter writer = PgSpanWriter.Typed(w, (byte)type, 1 + PgSpanWriter.CStringLength(name));
        writer.WriteByte((byte)target);
        writer.WriteCString(name);
        writer.Commit(w);
    }

    private static void WriteShorts(ref PgSpanWriter writer, ReadOnlySpan<short> values)
    {
        writer.WriteInt16(unchecked((short)checked((ushort)values.Length)));
        foreach (short value in values)
        {
            writer.WriteInt16(value);
        }
    }
}
