using System.Buffers;
using System.Buffers.Binary;

namespace Sluice.IntegrationTests.Postgres;

/// <summary>
/// Builds one typed frontend frame field by field, byte strings included, for messages no driver would write
/// (invalid UTF-8 names, 65,535 parameters).
/// </summary>
internal sealed class PgRawFrame
{
    private readonly ArrayBufferWriter<byte> _body = new();

    public PgRawFrame CString(ReadOnlySpan<byte> text)
    {
        _body.Write(text);
        _body.Write([(byte)0]);
        return this;
    }

    public PgRawFrame Int16(int value)
    {
        BinaryPrimitives.WriteUInt16BigEndian(_body.GetSpan(2), checked((ushort)value));
        _body.Advance(2);
        return this;
    }

    public PgRawFrame Int32(int value)
    {
        BinaryPrimitives.WriteInt32BigEndian(_body.GetSpan(4), value);
        _body.Advance(4);
        return this;
    }

    public PgRawFrame Bytes(ReadOnlySpan<byte> bytes)
    {
        _body.Write(bytes);
        return this;
    }

    public byte[] Build(char type)
    {
        var frame = new byte[5 + _body.WrittenCount];
        frame[0] = (byte)type;
        BinaryPrimitives.WriteInt32BigEndian(frame.AsSpan(1), 4 + _body.WrittenCount);
        _body.WrittenSpan.CopyTo(frame.AsSpan(5));
        return frame;
    }

    /// <summary>A start-up packet (protocol 3.0) from raw name/value byte strings.</summary>
    public static byte[] Startup(params (byte[] Name, byte[] Value)[] parameters)
    {
        var body = new PgRawFrame();
        body.Int32(Sluice.Protocols.Postgres.PgStartupPacket.Protocol30);
        foreach (var (name, value) in parameters)
        {
            body.CString(name).CString(value);
        }

        body.Bytes([0]);
        var frame = new byte[4 + body._body.WrittenCount];
        BinaryPrimitives.WriteInt32BigEndian(frame, frame.Length);
        body._body.WrittenSpan.CopyTo(frame.AsSpan(4));
        return frame;
    }
}
