using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Sluice.Masking;

/// <summary>
/// The SHA-256 compression function on eight independent messages at once, one per 32-bit lane of a 256-bit
/// vector: the rounds are the same as <see cref="Sha256Block"/>'s, but eight blocks cost about what one costs in
/// scalar code. Only worth using where 256-bit vectors are hardware accelerated.
/// </summary>
internal static class Sha256Lanes
{
    internal const int Count = 8;

    internal static bool IsSupported => Vector256.IsHardwareAccelerated;

    /// <summary>
    /// Folds one block per lane into <paramref name="state"/> (eight words, a to h). <paramref name="schedule"/>
    /// holds the block's sixteen words in its first sixteen entries and is used for the other 48.
    /// </summary>
    internal static void Compress(Span<Vector256<uint>> state, Span<Vector256<uint>> schedule)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(state.Length, 8, nameof(state));
        ArgumentOutOfRangeException.ThrowIfLessThan(schedule.Length, 64, nameof(schedule));
        for (int t = 16; t < 64; t++)
        {
            Vector256<uint> x = schedule[t - 15];
            Vector256<uint> y = schedule[t - 2];
            Vector256<uint> s0 = Rotate(x, 7) ^ Rotate(x, 18) ^ Vector256.ShiftRightLogical(x, 3);
            Vector256<uint> s1 = Rotate(y, 17) ^ Rotate(y, 19) ^ Vector256.ShiftRightLogical(y, 10);
            schedule[t] = schedule[t - 16] + s0 + schedule[t - 7] + s1;
        }

        ReadOnlySpan<uint> k = Sha256Block.RoundConstants;
        Vector256<uint> a = state[0], b = state[1], c = state[2], d = state[3];
        Vector256<uint> e = state[4], f = state[5], g = state[6], h = state[7];
        for (int t = 0; t < 64; t++)
        {
            Vector256<uint> sigma1 = Rotate(e, 6) ^ Rotate(e, 11) ^ Rotate(e, 25);
            Vector256<uint> choose = g ^ (e & (f ^ g));
            Vector256<uint> t1 = h + sigma1 + choose + Vector256.Create(k[t]) + schedule[t];
            Vector256<uint> sigma0 = Rotate(a, 2) ^ Rotate(a, 13) ^ Rotate(a, 22);
            Vector256<uint> majority = (a & b) | (c & (a | b));
            h = g;
            g = f;
            f = e;
            e = d + t1;
            d = c;
            c = b;
            b = a;
            a = t1 + sigma0 + majority;
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

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<uint> Rotate(Vector256<uint> x, [ConstantExpected] byte bits) =>
        Avx512F.VL.IsSupported
            ? Avx512F.VL.RotateRight(x, bits)
            : Vector256.ShiftRightLogical(x, bits) | Vector256.ShiftLeft(x, 32 - bits);
}
