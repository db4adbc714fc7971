using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace Sluice.Protocols.Postgres;

/// <summary>
/// Writes one message into a span obtained from an <see cref="IBufferWriter{T}"/> whose total size was computed
/// up front; <see cref="Commit"/> checks that exactly that many bytes were written before advancing, so a wrong
/// length computation fails loudly instead of corrupting the stream.
/// </summary>
internal ref struct PgSpanWriter
{
    private readonly Span<byte> _span;
    private int _position;

    private PgSpanWriter(Span<byte> span)
    {
        _span = span;
        _position = 0;
    }

    /// <summary>Starts a typed message: type byte and Int32 length (body + 4).</summary>
    public static PgSpanWriter Typed(IBufferWriter<byte> w, byte type, int bodyLength)
    {
        var writer = new PgSpanWriter(w.GetSpan(bodyLength + 5)[..(bodyLength + 5)]);
        writer.WriteByte(type);
        writer.WriteInt32(bodyLength + 4);
        return writer;
    }

    /// <summary>Starts an untyped startup-phase packet: Int32 length (body + 8) and Int32 code.</summary>
    public static PgSpanWriter Startup(IBufferWriter<byte> w, int code, int bodyLength)
    {
        var writer = new PgSpanWriter(w.GetSpan(bodyLength + 8)[..(bodyLength + 8)]);
        writer.WriteInt32(bodyLength + 8);
        writer.WriteInt32(code);
        return writer;
    }

    /// <summary>Bytes a C string takes on the wire; rejects an embedded NUL, which would split the field.</summary>
    public static int CStringLength(string value)
    {
        if (value.Contains('\0', StringComparison.Ordinal))
        {
            throw new ArgumentException("PostgreSQL strings cannot contain NUL characters", nameof(value));
        }

        return Encoding.UTF8.GetByteCount(value) + 1;
    }

    /// <summary>Bytes a C string made of <paramref name="value"/> takes; rejects an embedded NUL.</summary>
    public static int CStringLength(ReadOnlySpan<byte> value)
    {
        if (value.Contains((byte)0))
        {
            throw new ArgumentException("PostgreSQL strings cannot contain NUL bytes", nameof(value));
        }

        return value.Length + 1;
    }

    public void WriteByte(byte value) => _span[_position++] = value;

    public void WriteInt16(short value)
    {
        BinaryPrimitives.WriteInt16BigEndian(_span[_position..], value);
        _position += 2;
    }

    public void WriteInt32(int value)
    {
        BinaryPrimitives.WriteInt32BigEndian(_span[_position..], value);
        _position += 4;
    }

    public void WriteBytes(ReadOnlySpan<byte> value)
    {
        value.CopyTo(_span[_position..]);
        _position += value.Length;
    }

    public void WriteCString(string value)
    {
        _position += Encoding.UTF8.GetBytes(value, _span[_position..]);
        WriteByte(0);
    }

    public void WriteCString(ReadOnlySpan<byte> value)
    {
        WriteBytes(value);
        WriteByte(0);
    }

    /// <summary>Checks the computed length was filled exactly, then advances the buffer writer.</summary>
    public readonly void Commit(IBufferWriter<byte> w)
    {
        if (_position != _span.Length)
        {
            throw new InvalidOperationException("message bytes written differ from the length computed");
        }

        w.Advance(_position);
    }
}
