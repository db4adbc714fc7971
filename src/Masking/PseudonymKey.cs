using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Sluice.Masking;

/// <summary>
/// HMAC-SHA256 (RFC 2104) under one key, with the states after the key's inner and outer padded blocks computed
/// once. A value of up to 55 bytes then costs two block compressions; the platform's one-shot HMAC also hashes
/// both padded key blocks and sets up a native context for every value, which made pseudonyms the dearest part
/// of a masked row. Immutable: plans sharing it may run on several threads.
/// </summary>
internal sealed class PseudonymKey
{
    internal const int MacBytes = 32;

    private const byte InnerPad = 0x36;
    private const byte OuterPad = 0x5c;

    private readonly Sha256State _inner;
    private readonly Sha256State _outer;

    internal PseudonymKey(ReadOnlySpan<byte> key)
    {
        // RFC 2104: a key longer than the block is replaced by its hash, a shorter one padded with zeros.
        Span<byte> block = stackalloc byte[Sha256Block.Size];
        block.Clear();
        if (key.Length > Sha256Block.Size)
        {
            SHA256.HashData(key, block);
        }
        else
        {
            key.CopyTo(block);
        }

        _inner = Absorb(block, InnerPad);
        _outer = Absorb(block, OuterPad);
        CryptographicOperations.ZeroMemory(block);
    }

    /// <summary>Writes HMAC-SHA256(key, <paramref name="message"/>) into the first 32 bytes of
    /// <paramref name="mac"/>.</summary>
    internal void Compute(ReadOnlySpan<byte> message, Span<byte> mac)
    {
        Span<byte> block = stackalloc byte[Sha256Block.Size];
        Sha256State state = _inner;
        int whole = message.Length - (message.Length % Sha256Block.Size);
        for (int offset = 0; offset < whole; offset += Sha256Block.Size)
        {
            Sha256Block.Compress(ref state, message.Slice(offset, Sha256Block.Size));
        }

        Finish(ref state, message[whole..], Sha256Block.Size + message.Length, block);
        Sha256Block.WriteDigest(state, mac);

        state = _outer;
        Finish(ref state, mac[..MacBytes], Sha256Block.Size + MacBytes, block);
        Sha256Block.WriteDigest(state, mac);
    }

    private static Sha256State Absorb(ReadOnlySpan<byte> key, byte pad)
    {
        Span<byte> padded = stackalloc byte[Sha256Block.Size];
        for (int i = 0; i < padded.Length; i++)
        {
            padded[i] = (byte)(key[i] ^ pad);
        }

        Sha256State state = Sha256State.Initial();
        Sha256Block.Compress(ref state, padded);
        CryptographicOperations.ZeroMemory(padded);
        return state;
    }

    /// <summary>
    /// Hashes the last partial block with the padding of FIPS 180-4, section 5.1.1: 0x80, zeros, and the length
    /// in bits of everything hashed (the padded key block included) as a 64-bit big-endian number.
    /// </summary>
    private static void Finish(ref Sha256State state, ReadOnlySpan<byte> tail, long totalBytes, Span<byte> block)
    {
        block.Clear();
        tail.CopyTo(block);
        block[tail.Length] = 0x80;
        if (tail.Length >= Sha256Block.Size - 8)
        {
            Sha256Block.Compress(ref state, block);
            block.Clear();
        }

        BinaryPrimitives.WriteInt64BigEndian(block[(Sha256Block.Size - 8)..], totalBytes * 8);
        Sha256Block.Compress(ref state, block);
    }
}
