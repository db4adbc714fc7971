using System.Buffers.Binary;
using System.Text;

namespace Sluice.Protocols.Postgres;

/// <summary>
/// Forward-only reader over a message body. Every read checks bounds and throws
/// <see cref="PgProtocolException"/> when the body is shorter than its contents claim. Allocates only in the
/// methods that return strings.
/// </summary>
public ref struct PgMessageReader
{
    private readonly ReadOnlySpan<byte> _body;
    private int _position;

    /// <summary>Starts reading at the first byte of <paramref name="body"/>.</summary>
    public PgMessageReader(ReadOnlySpan<byte> body)
    {
        _body = body;
        _position = 0;
    }

    /// <summary>Bytes already read.</summary>
    public readonly int Position => _position;

    /// <summary>Bytes not yet read.</summary>
    public readonly int Remaining => _body.Length - _position;

    /// <summary>True when every byte has been read.</summary>
    public readonly bool IsEnd => _position == _body.Length;

    /// <summary>The unread rest of the body, without advancing.</summary>
    public readonly ReadOnlySpan<byte> RemainingSpan => _body[_position..];

    /// <summary>The bytes read from <paramref name="position"/> (an earlier <see cref="Position"/>) to now.</summary>
    public readonly ReadOnlySpan<byte> SpanSince(int position) => _body[position.._position];

    /// <summary>Reads one byte.</summary>
    public byte ReadByte()
    {
        if (_position >= _body.Length)
        {
            PgThrow.Protocol("message ends before an expected byte");
        }

        return _body[_position++];
    }

    /// <summary>Reads a big-endian Int16.</summary>
    public short ReadInt16BigEndian() => BinaryPrimitives.ReadInt16BigEndian(Take(2));

    /// <summary>Reads a big-endian UInt16; PostgreSQL reads its count fields this way.</summary>
    public ushort ReadUInt16BigEndian() => BinaryPrimitives.ReadUInt16BigEndian(Take(2));

    /// <summary>Reads a big-endian Int32.</summary>
    public int ReadInt32BigEndian() => BinaryPrimitives.ReadInt32BigEndian(Take(4));

    /// <summary>Reads a big-endian UInt32 (object ids).</summary>
    public uint ReadUInt32BigEndian() => BinaryPrimitives.ReadUInt32BigEndian(Take(4));

    /// <summary>Reads <paramref name="count"/> bytes; a negative count is malformed.</summary>
    public ReadOnlySpan<byte> ReadBytes(int count)
    {
        if (count < 0)
        {
            PgThrow.Protocol("negative length in message");
        }

        return Take(count);
    }

    /// <summary>Reads a NUL-terminated string and returns its bytes without the NUL.</summary>
    public ReadOnlySpan<byte> ReadCString()
    {
        ReadOnlySpan<byte> rest = _body[_position..];
        int nul = rest.IndexOf((byte)0);
        if (nul < 0)
        {
            PgThrow.Protocol("string in message is not NUL-terminated");
        }

        _position += nul + 1;
        return rest[..nul];
    }

    /// <summary>Reads a NUL-terminated string and decodes it as UTF-8 (invalid sequences become U+FFFD).</summary>
    public string ReadCStringAsString() => Encoding.UTF8.GetString(ReadCString());

    /// <summary>Throws unless every byte has been read; <paramref name="what"/> names the message.</summary>
    public readonly void EnsureEnd(string what)
    {
        if (_position != _body.Length)
        {
            PgThrow.Protocol($"{what} has trailing bytes");
        }
    }

    private ReadOnlySpan<byte> Take(int count)
    {
        if (count > _body.Length - _position)
        {
            PgThrow.Protocol("message ends before its declared contents");
        }

        ReadOnlySpan<byte> slice = _body.Slice(_position, count);
        _position += count;
        return slice;
    }
}
