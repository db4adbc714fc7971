using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace Sluice.Masking;

/// <summary>The eight 32-bit words of a SHA-256 chaining value, held by value so a saved state copies cheaply.</summary>
[InlineArray(8)]
internal struct Sha256State
{
    private uint _word;

    /// <summary>The initial hash value H(0) of FIPS 180-4, section 5.3.3.</summary>
    internal static Sha256State Initial()
    {
        Sha256State state = default;
        state[0] = 0x6a09e667;
        state[1] = 0xbb67ae85;
        state[2] = 0x3c6ef372;
        state[3] = 0xa54ff53a;
        state[4] = 0x510e527f;
        state[5] = 0x9b05688c;
        state[6] = 0x1f83d9ab;
        state[7] = 0x5be0cd19;
        return state;
    }
}

/// <summary>
/// The SHA-256 compression function (FIPS 180-4, section 6.2.2) on one 64-byte block. The platform's hash only
/// starts from the initial value, and HMAC with a fixed key can skip hashing the padded key on every message
/// only when it can start from a saved state; see <see cref="PseudonymKey"/>.
/// </summary>
internal static class Sha256Block
{
    internal const int Size = 64;

    private static ReadOnlySpan<uint> RoundConstants =>
    [
        0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
        0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
        0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
        0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
        0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
        0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
        0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
        0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
    ];

    /// <summary>Folds one block into <paramref name="state"/>.</summary>
    internal static void Compress(ref Sha256State state, ReadOnlySpan<byte> block)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(block.Length, Size, nameof(block));
        Span<uint> w = stackalloc uint[64];
        for (int t = 0; t < 16; t++)
        {
            w[t] = BinaryPrimitives.ReadUInt32BigEndian(block[(t * 4)..]);
        }

        for (int t = 16; t < 64; t++)
        {
            uint x = w[t - 15];
            uint y = w[t - 2];
            uint s0 = BitOperations.RotateRight(x, 7) ^ BitOperations.RotateRight(x, 18) ^ (x >> 3);
            uint s1 = BitOperations.RotateRight(y, 17) ^ BitOperations.RotateRight(y, 19) ^ (y >> 10);
            w[t] = w[t - 16] + s0 + w[t - 7] + s1;
        }

        ReadOnlySpan<uint> k = RoundConstants;
        uint a = state[0], b = state[1], c = state[2], d = state[3];
        uint e = state[4], f = state[5], g = state[6], h = state[7];

        // Eight rounds per pass with the working variables renamed instead of shifted: the shifts of the
        // textbook loop are seven register moves per round.
        for (int t = 0; t < 64; t += 8)
        {
            Round(a, b, c, ref d, e, f, g, ref h, k[t] + w[t]);
            Round(h, a, b, ref c, d, e, f, ref g, k[t + 1] + w[t + 1]);
            Round(g, h, a, ref b, c, d, e, ref f, k[t + 2] + w[t + 2]);
            Round(f, g, h, ref a, b, c, d, ref e, k[t + 3] + w[t + 3]);
            Round(e, f, g, ref h, a, b, c, ref d, k[t + 4] + w[t + 4]);
            Round(d, e, f, ref g, h, a, b, ref c, k[t + 5] + w[t + 5]);
            Round(c, d, e, ref f, g, h, a, ref b, k[t + 6] + w[t + 6]);
            Round(b, c, d, ref e, f, g, h, ref a, k[t + 7] + w[t + 7]);
        }

        state[0] += a;
        state[1] += b;
        state[2] += c;
        state[3] += d;
        state[4] += e;
        state[5] += f;
        state[6] += g;
        state[7] += h;
    }

    /// <summary>Writes the state as the big-endian digest.</summary>
    internal static void WriteDigest(in Sha256State state, Span<byte> destination)
    {
        for (int i = 0; i < 8; i++)
        {
            BinaryPrimitives.WriteUInt32BigEndian(destination[(i * 4)..], state[i]);
        }
    }

    /// <summary>One round: T1 is added into d (the next e) and T1 + T2 becomes h (the next a).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Round(uint a, uint b, uint c, ref uint d, uint e, uint f, uint g, ref uint h, uint kw)
    {
        uint sigma1 = BitOperations.RotateRight(e, 6) ^ BitOperations.RotateRight(e, 11)
            ^ BitOperations.RotateRight(e, 25);
        uint choose = g ^ (e & (f ^ g));
        uint t1 = h + sigma1 + choose + kw;
        uint sigma0 = BitOperations.RotateRight(a, 2) ^ BitOperations.RotateRight(a, 13)
            ^ BitOperations.RotateRight(a, 22);
        uint majority = (a & b) | (c & (a | b));
        d += t1;
        h = t1 + sigma0 + majority;
    }
}
