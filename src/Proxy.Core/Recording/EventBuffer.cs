using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace Sluice.Core.Recording;

/// <summary>
/// A growable byte buffer rented from the shared pool, holding encoded events until the flusher takes it.
/// Callers reserve the exact event size first, then write fields; nothing here allocates once the buffer
/// has grown to its working size.
/// </summary>
internal sealed class EventBuffer : IDisposable
{
    private byte[] _array;
    private int _length;

    public EventBuffer(int initialCapacity)
    {
        _array = ArrayPool<byte>.Shared.Rent(initialCapacity);
    }

    public int Length => _length;

    /// <summary>Bytes held, used or not.</summary>
    public int Capacity => _array.Length;

    public ReadOnlySpan<byte> WrittenSpan => _array.AsSpan(0, _length);

    public void Clear() => _length = 0;

    /// <summary>
    /// Empties the buffer, and gives back a large array that the last use filled less than a quarter of: a session
    /// that relayed one bulk result and then sits idle should not keep megabytes it no longer needs, while a
    /// session that keeps streaming keeps its working size.
    /// </summary>
    public void ClearAndTrim(int keepBytes)
    {
        if (_array.Length > keepBytes && _length < _array.Length / 4)
        {
            var smaller = ArrayPool<byte>.Shared.Rent(Math.Max(keepBytes, _length * 2));
            ArrayPool<byte>.Shared.Return(_array);
            _array = smaller;
        }

        _length = 0;
    }

    /// <summary>
    /// Starts an event whose body, timestamp included, is exactly <paramref name="bodyLength"/> bytes.
    /// </summary>
    public void BeginEvent(EventType type, int bodyLength, long atMicros)
    {
        EnsureCapacity(RecordingFormat.EventHeaderSize + bodyLength);
        var span = _array.AsSpan(_length);
        span[0] = (byte)type;
        BinaryPrimitives.WriteInt32LittleEndian(span[1..], bodyLength);
        BinaryPrimitives.WriteInt64LittleEndian(span[5..], atMicros);
        _length += RecordingFormat.EventHeaderSize + 8;
    }

    public void WriteByte(byte value) => _array[_length++] = value;

    public void WriteBool(bool value) => _array[_length++] = value ? (byte)1 : (byte)0;

    public void WriteInt64(long value)
    {
        BinaryPrimitives.WriteInt64LittleEndian(_array.AsSpan(_length), value);
        _length += 8;
    }

    public void WriteUInt16(ushort value)
    {
        BinaryPrimitives.WriteUInt16LittleEndian(_array.AsSpan(_length), value);
        _length += 2;
    }

    /// <summary>A length-prefixed byte field (strings and cell lists alike).</summary>
    public void WriteBlob(ReadOnlySpan<byte> value)
    {
        BinaryPrimitives.WriteInt32LittleEndian(_array.AsSpan(_length), value.Length);
        value.CopyTo(_array.AsSpan(_length + 4));
        _length += 4 + value.Length;
    }

    /// <summary>A length-prefixed UTF-8 string; size it with <see cref="StringSize"/>.</summary>
    public void WriteString(string? value)
    {
        if (value is null)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(_array.AsSpan(_length), uint.MaxValue);
            _length += 4;
            return;
        }

        int written = Encoding.UTF8.GetBytes(value, _array.AsSpan(_length + 4));
        BinaryPrimitives.WriteInt32LittleEndian(_array.AsSpan(_length), written);
        _length += 4 + written;
    }

    public static int StringSize(string? value) => 4 + (value is null ? 0 : Encoding.UTF8.GetByteCount(value));

    /// <summary>Swaps contents with <paramref name="other"/>, so the flusher can take a full buffer in O(1).</summary>
    public void SwapWith(EventBuffer other)
    {
        (_array, other._array) = (other._array, _array);
        (_length, other._length) = (other._length, _length);
    }

    public void Dispose()
    {
        var array = _array;
        _array = [];
        _length = 0;
        if (array.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(array);
        }
    }

    private void EnsureCapacity(int extra)
    {
        if (_array.Length - _length >= extra)
        {
            return;
        }

        long wanted = Math.Max((long)_length + extra, (long)_array.Length * 2);
        var larger = ArrayPool<byte>.Shared.Rent((int)Math.Min(wanted, Array.MaxLength));
        _array.AsSpan(0, _length).CopyTo(larger);
        ArrayPool<byte>.Shared.Return(_array);
        _array = larger;
    }
}
