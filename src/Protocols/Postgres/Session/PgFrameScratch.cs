using System.Buffers;

namespace Sluice.Protocols.Postgres;

/// <summary>
/// A reusable buffer that makes a frame spread over several pipe segments contiguous for its decoder.
/// Rented only when a frame first needs it (many sessions never do), grown on demand up to the message limit, and
/// returned to the pool when the pump ends.
/// </summary>
internal sealed class PgFrameScratch : IDisposable
{
    private readonly int _limit;
    private byte[] _buffer;

    public PgFrameScratch(int limit)
    {
        _limit = limit;
        _buffer = [];
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
            if (_buffer.Length > 0)
            {
                ArrayPool<byte>.Shared.Return(_buffer);
            }

            _buffer = ArrayPool<byte>.Shared.Rent(Math.Max(length, 4096));
        }

        frame.CopyTo(_buffer);
        return _buffer.AsSpan(0, length);
    }

    public void Dispose()
    {
        if (_buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = [];
        }
    }
}
