using System.Buffers;

namespace Sluice.Protocols.Postgres;

/// <summary>
/// What one direction of the event-loop relay has judged and not yet sent: a pooled buffer taken when output starts and returned when it
/// has all gone, so a quiet session holds nothing.
/// </summary>
internal sealed class PgRelayOutput : IBufferWriter<byte>
{
    /// <summary>As large as the relay's reads, so that one read's frames fit without growing.</summary>
    private const int InitialBytes = 64 * 1024;

    private byte[]? _buffer;
    private int _written;
    private int _sent;

    public bool HasUnsent => _written > _sent;

    public ReadOnlySpan<byte> Unsent => _buffer.AsSpan(_sent, _written - _sent);

    public void Advance(int count)
    {
        if ((uint)count > (uint)(_buffer!.Length - _written))
        {
            throw new ArgumentOutOfRangeException(nameof(count));
        }

        _written += count;
    }

    public Memory<byte> GetMemory(int sizeHint = 0) => Reserve(sizeHint).AsMemory(_written);

    public Span<byte> GetSpan(int sizeHint = 0) => Reserve(sizeHint).AsSpan(_written);

    public void Sent(int count)
    {
        _sent += count;
        if (_sent == _written)
        {
            Release();
        }
    }

    /// <summary>Hands what is unsent to <paramref name="writer"/>; true when there was any, to be flushed.</summary>
    public bool MoveTo(IBufferWriter<byte> writer)
    {
        bool any = HasUnsent;
        if (any)
        {
            writer.Write(Unsent);
        }

        Release();
        return any;
    }

    public void Release()
    {
        if (_buffer is not null)
        {
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = null;
        }

        _written = _sent = 0;
    }

    private byte[] Reserve(int sizeHint)
    {
        int wanted = Math.Max(sizeHint, 1);
        if (_buffer is null)
        {
            _buffer = ArrayPool<byte>.Shared.Rent(Math.Max(wanted, InitialBytes));
        }
        else if (_buffer.Length - _written < wanted)
        {
            int unsent = _written - _sent;
            var grown = ArrayPool<byte>.Shared.Rent(Math.Max(unsent + wanted, _buffer.Length * 2));
            _buffer.AsSpan(_sent, unsent).CopyTo(grown);
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = grown;
            _sent = 0;
            _written = unsent;
        }

        return _buffer;
    }
}
