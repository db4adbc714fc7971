using System.Buffers.Binary;
using System.Runtime.Intrinsics;

namespace Sluice.Masking;

/// <summary>
/// Pseudonym hashes of the values in the next few rows, computed eight at a time (<see cref="Sha256Lanes"/>): a
/// relay that can see the rows after the current one in its read buffer asks <see cref="ResultMaskPlan.Prefetch"/>
/// to collect their pseudonym inputs, and the plan's pseudonyms then come from here instead of one HMAC each.
/// A value is found by its exact bytes, so a batch that no longer fits the rows (a dropped row, a new result)
/// only costs the hashes it did for nothing. One per session; not for use from several threads at once.
/// </summary>
public sealed class PseudonymBatch
{
    /// <summary>Longest value batched: with HMAC's padding it fits one SHA-256 block after the key's.</summary>
    internal const int MaxValueBytes = Sha256Block.Size - 9;

    private const int Lanes = Sha256Lanes.Count;

    private readonly byte[] _values = new byte[Lanes * MaxValueBytes];
    private readonly int[] _lengths = new int[Lanes];
    private readonly byte[] _macs = new byte[Lanes * PseudonymKey.MacBytes];
    private PseudonymKey? _key;
    private int _count;
    private int _rows;
    private int _row;

    /// <summary>Whether batching pays on this machine (256-bit vectors in hardware).</summary>
    public static bool IsSupported => Sha256Lanes.IsSupported;

    /// <summary>
    /// Moves on to the next row; true when the rows batched so far are used up and the caller should collect
    /// more (<see cref="Clear"/>, then <see cref="ResultMaskPlan.Prefetch"/> from the current row on).
    /// </summary>
    public bool NextRowNeedsRefill() => ++_row >= _rows;

    /// <summary>Forgets every value (the plaintext copies are wiped).</summary>
    public void Clear()
    {
        Array.Clear(_values);
        _key = null;
        _count = 0;
        _rows = 0;
        _row = 0;
    }

    /// <summary>Values in the batch.</summary>
    internal int Count => _count;

    /// <summary>Room for <paramref name="values"/> more values.</summary>
    internal bool HasRoomFor(int values) => _count + values <= Lanes;

    internal static bool Fits(ReadOnlySpan<byte> value) => value.Length <= MaxValueBytes;

    internal void Add(ReadOnlySpan<byte> value)
    {
        value.CopyTo(_values.AsSpan(_count * MaxValueBytes));
        _lengths[_count++] = value.Length;
    }

    /// <summary>Counts one more row whose values were all added.</summary>
    internal void RowAdded() => _rows++;

    /// <summary>Writes the MAC of <paramref name="value"/> under <paramref name="key"/>, if the batch has it.</summary>
    internal bool TryGet(ReadOnlySpan<byte> value, Span<byte> mac, PseudonymKey key)
    {
        if (!ReferenceEquals(key, _key))
        {
            return false;
        }

        for (int i = 0; i < _count; i++)
        {
            if (_lengths[i] == value.Length && value.SequenceEqual(_values.AsSpan(i * MaxValueBytes, value.Length)))
            {
                _macs.AsSpan(i * PseudonymKey.MacBytes, PseudonymKey.MacBytes).CopyTo(mac);
                return true;
            }
        }

        return false;
    }

    /// <summary>Hashes every value in the batch, all lanes at once (unused lanes hash an empty value).</summary>
    internal void Compute(PseudonymKey key)
    {
        Span<Vector256<uint>> state = stackalloc Vector256<uint>[8];
        Span<Vector256<uint>> schedule = stackalloc Vector256<uint>[64];
        Span<uint> words = stackalloc uint[16 * Lanes];
        Span<byte> block = stackalloc byte[Sha256Block.Size];

        // Inner hash: the key's inner state, then each value with HMAC's padding in one block.
        for (int lane = 0; lane < Lanes; lane++)
        {
            int length = lane < _count ? _lengths[lane] : 0;
            block.Clear();
            _values.AsSpan(lane * MaxValueBytes, length).CopyTo(block);
            block[length] = 0x80;
            BinaryPrimitives.WriteInt64BigEndian(block[(Sha256Block.Size - 8)..], (Sha256Block.Size + length) * 8L);
            for (int t = 0; t < 16; t++)
            {
                words[(t * Lanes) + lane] = BinaryPrimitives.ReadUInt32BigEndian(block[(t * 4)..]);
            }
        }

        for (int t = 0; t < 16; t++)
        {
            schedule[t] = Vector256.Create<uint>(words.Slice(t * Lanes, Lanes));
        }

        key.LoadInner(state);
        Sha256Lanes.Compress(state, schedule);

        // Outer hash: the inner digest's words are the block's first eight words as they are.
        for (int t = 0; t < 8; t++)
        {
            schedule[t] = state[t];
        }

        schedule[8] = Vector256.Create(0x80000000u);
        for (int t = 9; t < 15; t++)
        {
            schedule[t] = Vector256<uint>.Zero;
        }

        schedule[15] = Vector256.Create((uint)(Sha256Block.Size + PseudonymKey.MacBytes) * 8);
        key.LoadOuter(state);
        Sha256Lanes.Compress(state, schedule);

        for (int lane = 0; lane < _count; lane++)
        {
            Span<byte> mac = _macs.AsSpan(lane * PseudonymKey.MacBytes, PseudonymKey.MacBytes);
            for (int i = 0; i < 8; i++)
            {
                BinaryPrimitives.WriteUInt32BigEndian(mac[(i * 4)..], state[i].GetElement(lane));
            }
        }

        block.Clear();
        words.Clear();
        _key = key;
    }
}
