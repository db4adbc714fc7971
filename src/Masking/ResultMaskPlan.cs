using System.Buffers.Binary;

namespace Sluice.Masking;

/// <summary>
/// The masking decided for one result: per column a strategy, a detector scan, or nothing. Applying it
/// allocates nothing, and a plan may be used from several threads (it never changes).
/// </summary>
/// <remarks>
/// Rows travel in the neutral cells encoding, which is PostgreSQL's DataRow body:
/// <code>
/// UInt16 BE cell count | per cell: Int32 BE length (-1 = NULL) | length bytes
/// </code>
/// </remarks>
public sealed class ResultMaskPlan
{
    /// <summary>What <see cref="Reason"/> says for a derived column masked because nothing allowed it.</summary>
    public const string FailClosedReason = "(derived value, fail closed)";

    /// <summary>What <see cref="Reason"/> says for a column only the detector rules look at.</summary>
    public const string DetectorsReason = "(detectors)";

    private readonly MaskValueKind[] _kinds;
    private readonly CompiledStrategy?[] _strategies;
    private readonly bool[] _detect;
    private readonly string?[] _reasons;
    private readonly CompiledRule[] _detectorRules;
    private readonly PseudonymKey _key;

    internal ResultMaskPlan(MaskValueKind[] kinds, CompiledStrategy?[] strategies, bool[] detect,
        string?[] reasons, CompiledRule[] detectorRules, PseudonymKey key)
    {
        _kinds = kinds;
        _strategies = strategies;
        _detect = detect;
        _reasons = reasons;
        _detectorRules = detectorRules;
        _key = key;
    }

    /// <summary>The number of columns (cells per row).</summary>
    public int ColumnCount => _kinds.Length;

    /// <summary>Is there any work for this column (a strategy or detectors)?</summary>
    public bool Masks(int column) => _strategies[column] is not null || _detect[column];

    /// <summary>The strategy applied to every value of the column, or null (untouched or detectors only).</summary>
    public MaskStrategyKind? StrategyFor(int column) => _strategies[column]?.Kind;

    /// <summary>
    /// Why the column is treated as it is: the claiming rule's name (Clear rules included),
    /// <see cref="FailClosedReason"/>, <see cref="DetectorsReason"/>, or null when nothing looks at it.
    /// </summary>
    public string? Reason(int column) => _reasons[column];

    /// <summary>
    /// An upper bound on a masked value's length, for sizing a destination: detector replacements can be
    /// longer than what they replace (at most <see cref="CompiledStrategy.MaxFixedBytes"/> bytes for an
    /// occurrence of at least 3 bytes). Generous by design; <see cref="MaskRow"/> and <see cref="MaskValue"/>
    /// report a destination that is too small, so callers may also start smaller and retry.
    /// </summary>
    public static int MaxMaskedLength(int inputLength)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(inputLength);
        long bound = inputLength + ((inputLength / 3L) + 1) * CompiledStrategy.MaxFixedBytes;
        return (int)Math.Min(bound, Array.MaxLength);
    }

    /// <summary>
    /// Rewrites one row in the cells encoding from <paramref name="source"/> into <paramref name="destination"/>.
    /// Returns the bytes written, or -1 when <paramref name="destination"/> is too small (retry with more).
    /// <paramref name="maskedCells"/> counts the cells whose bytes changed.
    /// </summary>
    /// <exception cref="MaskingException">The cell count differs from <see cref="ColumnCount"/> or the
    /// encoding is malformed.</exception>
    public int MaskRow(ReadOnlySpan<byte> source, Span<byte> destination, out int maskedCells)
    {
        maskedCells = 0;
        if (source.Length < 2)
        {
            throw new MaskingException("the row is shorter than its cell count");
        }

        int count = BinaryPrimitives.ReadUInt16BigEndian(source);
        if (count != _kinds.Length)
        {
            throw new MaskingException(
                $"the row has {count} cells but the result described {_kinds.Length} columns");
        }

        if (destination.Length < 2)
        {
            return -1;
        }

        source[..2].CopyTo(destination);
        int read = 2;
        int written = 2;
        for (int c = 0; c < count; c++)
        {
            if (source.Length - read < 4)
            {
                throw new MaskingException($"cell {c} has no complete length");
            }

            int length = BinaryPrimitives.ReadInt32BigEndian(source[read..]);
            if (length < -1 || length > source.Length - read - 4)
            {
                throw new MaskingException($"cell {c} declares a length the row does not hold");
            }

            if (length == -1 || !Masks(c))
            {
                int whole = 4 + Math.Max(length, 0);
                if (!source.Slice(read, whole).TryCopyTo(destination[written..]))
                {
                    return -1;
                }

                read += whole;
                written += whole;
                continue;
            }

            if (destination.Length - written < 4)
            {
                return -1;
            }

            ReadOnlySpan<byte> value = source.Slice(read + 4, length);
            int masked = MaskValue(c, value, destination[(written + 4)..], out bool changed);
            if (masked == ValueMasker.TooSmall)
            {
                return -1;
            }

            BinaryPrimitives.WriteInt32BigEndian(destination[written..], masked);
            written += 4 + Math.Max(masked, 0);
            read += 4 + length;
            if (changed)
            {
                maskedCells++;
            }
        }

        if (read != source.Length)
        {
            throw new MaskingException("the row has bytes after its last cell");
        }

        return written;
    }

    /// <summary>
    /// Masks one non-NULL value of <paramref name="column"/> (the COPY path; a NULL stays NULL without asking).
    /// Returns the length written, -1 for NULL, or <see cref="int.MinValue"/> when <paramref name="destination"/>
    /// is too small. <paramref name="changed"/> tells whether the output differs from the input.
    /// </summary>
    public int MaskValue(int column, ReadOnlySpan<byte> value, Span<byte> destination, out bool changed)
    {
        CompiledStrategy? strategy = _strategies[column];
        int result = strategy is not null ? ValueMasker.Apply(strategy, _kinds[column], value, destination, _key)
            : _detect[column] ? ScanDetectors(value, destination)
            : ValueMasker.Copy(value, destination);
        changed = result == ValueMasker.Null || (result >= 0 && !destination[..result].SequenceEqual(value));
        return result;
    }

    /// <summary>
    /// Replaces every detector occurrence in one pass over the original text: at each step the earliest
    /// occurrence of any detector wins (the earlier rule on a tie), and scanning resumes after it, so no
    /// detector looks at another's replacement. A Null strategy on any occurrence makes the whole value NULL,
    /// since part of a text cannot be NULL.
    /// </summary>
    private int ScanDetectors(ReadOnlySpan<byte> value, Span<byte> destination)
    {
        int rules = _detectorRules.Length;

        // Sized to the rules there are: the stack space is cleared on every call, and this runs for every cell.
        Span<int> starts = stackalloc int[rules];
        Span<int> lengths = stackalloc int[rules];
        for (int k = 0; k < rules; k++)
        {
            Detectors.Find(_detectorRules[k].Detector, value, 0, out starts[k], out lengths[k]);
        }

        int position = 0;
        int written = 0;
        while (true)
        {
            int best = -1;
            for (int k = 0; k < rules; k++)
            {
                if (starts[k] >= 0 && (best < 0 || starts[k] < starts[best]))
                {
                    best = k;
                }
            }

            if (best < 0)
            {
                break;
            }

            CompiledRule rule = _detectorRules[best];
            if (rule.Strategy.Kind == MaskStrategyKind.Null)
            {
                return ValueMasker.Null;
            }

            int start = starts[best];
            if (!value[position..start].TryCopyTo(destination[written..]))
            {
                return ValueMasker.TooSmall;
            }

            written += start - position;
            int replaced = ValueMasker.ApplyOccurrence(rule.Strategy, rule.Detector, value.Slice(start, lengths[best]),
                destination[written..], _key);
            if (replaced == ValueMasker.TooSmall)
            {
                return ValueMasker.TooSmall;
            }

            written += replaced;
            position = start + lengths[best];
            for (int k = 0; k < rules; k++)
            {
                if (starts[k] >= 0 && starts[k] < position)
                {
                    Detectors.Find(_detectorRules[k].Detector, value, position, out starts[k], out lengths[k]);
                }
            }
        }

        if (!value[position..].TryCopyTo(destination[written..]))
        {
            return ValueMasker.TooSmall;
        }

        return written + value.Length - position;
    }
}
