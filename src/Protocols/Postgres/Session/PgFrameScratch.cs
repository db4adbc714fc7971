using System.Buffers;

namespace Sluice.Protocols.Postgres;

/// <summary>
/// A reusable buffer that makes a frame spread over several pipe segments contiguous for its decoder.
/// Grows on demand up to the message limit and is returned to the pool when the pump ends.
/// </summary>
internal sealed class PgFrameScratch : IDisposable
{
    private readonly int _limit;
    private byte[] _buffer;

    public PgFrameScratch(int limit)
    {
        _limit = limit;
        _buffer = ArrayPool<byte>.Shared.Rent(4096);
    }

    public ReadOnlySpan<byte> Gather(in ReadOnlySequence<byte> frame)
    {
        var length = checked((int)frame.Length);
        if (length > _limit + 1)
        {
            throw new InvalidOperationException("frame larger than the scanner allowed");
        }

        if (_buffer.Length < length)
        {
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = ArrayPool<byte>.Shared.Rent(length);
        }

        frame.CopyTo(_buffer);
        return _buffer.AsSpan(0, length);
    }

    public void Dispose() => ArrayPool<byte>.Shared.Return(_buffer);
}
