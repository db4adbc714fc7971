using System.Buffers.Binary;
using Sluice.Masking;
using Sluice.Protocols.Postgres;

namespace Sluice.Fuzz;

/// <summary>
/// Fuzz target for result masking: a row built from the input (a DataRow, or a COPY TO STDOUT row in text, CSV
/// or binary format) is masked under a fixed rule set the way the gateway masks it, then what the masker wrote is
/// read back with the same decoder. The rewritten row must be well-formed, hold the row's columns, and each
/// masked value must have its strategy's shape (a redaction marker, a pseudonym, an integer of the column's
/// width, NULL...). Only <see cref="MaskingException"/> on a malformed input row is accepted.
/// The test project compiles this file too, to replay the seed corpus.
/// </summary>
public static class MaskTargets
{
    private const string FixedText = "n/a";

    private static readonly System.Buffers.SearchValues<byte> s_lowerHex =
        System.Buffers.SearchValues.Create("0123456789abcdef"u8);

    private static long s_rowsReadBack;

    private static readonly byte[] s_key = "fuzz-pseudonym-key-0123456789abcdef"u8.ToArray();

    // One rule per strategy on provenance, a name-pattern rule, a derived allowance, and a detector rule for every
    // detector (every strategy among them), so one row reaches every masking path.
    private static readonly MaskingPolicy s_policy = new(
    [
        Rule("auditors-see-customers", MaskStrategyKind.Clear, table: "customers", column: "*", group: "auditors"),
        Rule("ssn", MaskStrategyKind.Redact, table: "customers", column: "ssn"),
        Rule("card", MaskStrategyKind.KeepLast, table: "customers", column: "card"),
        Rule("email", MaskStrategyKind.KeepEmailDomain, table: "customers", column: "email"),
        Rule("name", MaskStrategyKind.Pseudonym, table: "customers", column: "name"),
        Rule("id", MaskStrategyKind.Pseudonym, table: "customers", column: "id"),
        Rule("age", MaskStrategyKind.Fixed, table: "customers", column: "age", fixedValue: "42"),
        Rule("tiny", MaskStrategyKind.Fixed, table: "customers", column: "tiny", fixedValue: "99999"),
        Rule("motto", MaskStrategyKind.Fixed, table: "customers", column: "motto", fixedValue: FixedText),
        Rule("secrets", MaskStrategyKind.Null, pattern: "secret_*"),
        Rule("allowed", MaskStrategyKind.Clear, pattern: "allowed_*", derived: true),
        Rule("d-email", MaskStrategyKind.Redact, detector: DetectorKind.Email),
        Rule("d-card", MaskStrategyKind.KeepLast, detector: DetectorKind.CardNumber),
        Rule("d-ssn", MaskStrategyKind.Redact, detector: DetectorKind.UsSsn),
        Rule("d-iban", MaskStrategyKind.Pseudonym, detector: DetectorKind.Iban),
        Rule("d-phone", MaskStrategyKind.Fixed, detector: DetectorKind.Phone, fixedValue: "[phone]"),
        Rule("d-ipv4", MaskStrategyKind.KeepEmailDomain, detector: DetectorKind.IPv4),
        Rule("d-ipv6", MaskStrategyKind.KeepLast, detector: DetectorKind.IPv6),
        Rule("d-jwt", MaskStrategyKind.Redact, detector: DetectorKind.Jwt),
        Rule("d-cloud", MaskStrategyKind.Pseudonym, detector: DetectorKind.CloudAccessKey),
        Rule("d-pem", MaskStrategyKind.Null, detector: DetectorKind.PemPrivateKey),
    ], s_key);

    /// <summary>Rows (DataRow or COPY payloads) masked and then read back and checked.</summary>
    public static long RowsReadBack => Interlocked.Read(ref s_rowsReadBack);

    /// <summary>
    /// Byte 0: bits 0-1 pick the row (0 DataRow, 1 COPY text, 2 COPY CSV, 3 COPY binary), bit 2 says the statement
    /// reads a protected table, bit 3 makes the caller an auditor (who sees customers in clear). For a DataRow the
    /// rest is one cell per column: a length byte (0xFF: NULL) and that many bytes; missing cells are NULL. For
    /// COPY the rest is one CopyData payload. The rest is also masked as a raw DataRow body.
    /// </summary>
    public static void Mask(ReadOnlySpan<byte> data)
    {
        if (data.IsEmpty)
        {
            return;
        }

        int mode = data[0] & 3;
        bool readsProtected = (data[0] & 4) != 0;
        string[] groups = (data[0] & 8) != 0 ? ["auditors"] : ["staff"];
        MaskingScope scope = s_policy.ForPrincipal("fuzz-user", groups);
        MaskColumn[] columns = Columns(mode);
        ResultMaskPlan plan = scope.Plan(columns, readsProtected)
            ?? throw new InvalidOperationException("a plan over protected columns asked for no work");
        ReadOnlySpan<byte> rest = data[1..];

        if (mode == 0)
        {
            MaskDataRow(plan, columns, BuildCells(rest, columns.Length));
        }
        else
        {
            MaskCopy(plan, columns, mode, rest);
        }

        try
        {
            byte[] destination = new byte[ResultMaskPlan.MaxMaskedLength(rest.Length) + 2];
            plan.MaskRow(rest, destination, out _);
        }
        catch (MaskingException)
        {
        }
    }

    /// <summary>The result's columns; integer columns are binary in a DataRow and binary COPY, text otherwise.</summary>
    private static MaskColumn[] Columns(int mode)
    {
        bool binaryIntegers = mode is 0 or 3;
        MaskValueKind Integer(MaskValueKind kind) => binaryIntegers ? kind : MaskValueKind.Opaque;
        return
        [
            new("ssn", "public", "customers", "ssn", MaskValueKind.Text),
            new("card", "public", "customers", "card", MaskValueKind.Text),
            new("email", "public", "customers", "email", MaskValueKind.Text),
            new("name", "public", "customers", "name", MaskValueKind.Text),
            new("id", "public", "customers", "id", Integer(MaskValueKind.Int64)),
            new("age", "public", "customers", "age", Integer(MaskValueKind.Int32)),
            new("tiny", "public", "customers", "tiny", Integer(MaskValueKind.Int16)),
            new("body", "public", "notes", "body", MaskValueKind.Text),
            new("expr", null, null, null, MaskValueKind.Text),
            new("allowed_total", null, null, null, MaskValueKind.Opaque),
            new("secret_token", "public", "notes", "secret_token", MaskValueKind.Text),
            new("motto", "public", "customers", "motto", MaskValueKind.Text),
        ];
    }

    private static byte[] BuildCells(ReadOnlySpan<byte> input, int count)
    {
        var cells = new List<byte>(input.Length + 64) { (byte)(count >> 8), (byte)count };
        Span<byte> length = stackalloc byte[4];
        for (int c = 0; c < count; c++)
        {
            if (input.IsEmpty || input[0] == 0xFF)
            {
                BinaryPrimitives.WriteInt32BigEndian(length, -1);
                cells.AddRange(length);
                input = input.IsEmpty ? input : input[1..];
                continue;
            }

            int take = Math.Min(input[0], input.Length - 1);
            BinaryPrimitives.WriteInt32BigEndian(length, take);
            cells.AddRange(length);
            cells.AddRange(input.Slice(1, take));
            input = input[(1 + take)..];
        }

        return [.. cells];
    }

    /// <summary>
    /// Masks the row as the gateway does (a small buffer first, doubled while the plan says it is too small),
    /// then validates the output as a client would.
    /// </summary>
    private static void MaskDataRow(ResultMaskPlan plan, MaskColumn[] columns, byte[] cells)
    {
        byte[] buffer = new byte[16];
        int written;
        int maskedCells;
        while ((written = plan.MaskRow(cells, buffer, out maskedCells)) < 0)
        {
            buffer = new byte[buffer.Length * 2];
        }

        ReadOnlySpan<byte> output = buffer.AsSpan(0, written);
        if (PgMessages.ValidateCells(output) != columns.Length)
        {
            throw new InvalidOperationException("a masked row does not hold the result's columns");
        }

        byte[] roomy = new byte[ResultMaskPlan.MaxMaskedLength(cells.Length) + 2];
        int again = plan.MaskRow(cells, roomy, out int maskedAgain);
        if (again != written || maskedAgain != maskedCells || !roomy.AsSpan(0, again).SequenceEqual(output))
        {
            throw new InvalidOperationException("masking depends on the destination's size");
        }

        List<byte[]?> before = ReadCells(cells);
        List<byte[]?> after = ReadCells(output);
        int changed = 0;
        for (int c = 0; c < columns.Length; c++)
        {
            bool differs = before[c] is null != after[c] is null
                || (before[c] is { } b && !b.AsSpan().SequenceEqual(after[c]));
            changed += differs ? 1 : 0;
            if (before[c] is null)
            {
                if (after[c] is not null)
                {
                    throw new InvalidOperationException($"a NULL in column {c} was masked into a value");
                }

                continue;
            }

            CheckShape(plan, columns[c], c, before[c]!, after[c]);
        }

        if (changed != maskedCells)
        {
            throw new InvalidOperationException($"{maskedCells} cells reported masked but {changed} changed");
        }

        Interlocked.Increment(ref s_rowsReadBack);
    }

    /// <summary>
    /// Masks a COPY payload with the gateway's field masker, then reads the rewritten payload back with a second
    /// rewriter: every field must decode to what the masker decided, and masked fields must have their shape.
    /// </summary>
    private static void MaskCopy(ResultMaskPlan plan, MaskColumn[] columns, int mode, ReadOnlySpan<byte> payload)
    {
        var options = new PgCopyOptions
        {
            Format = mode switch { 1 => PgCopyFormat.Text, 2 => PgCopyFormat.Csv, _ => PgCopyFormat.Binary },
        };
        var writer = new PgCopyRowRewriter(options, columns.Length);
        PgCopyFieldMasker masker = PgCopyPlan.FieldMasker(plan);
        var decided = new List<(byte[]? Before, byte[]? After)>();
        int Record(int column, ReadOnlySpan<byte> value, bool isNull, Span<byte> destination)
        {
            int result = masker(column, value, isNull, destination);
            byte[]? before = isNull ? null : value.ToArray();
            decided.Add((before, result switch
            {
                PgCopyMaskResult.Unchanged => before,
                PgCopyMaskResult.Null => null,
                >= 0 => destination[..result].ToArray(),
                _ => [],
            }));
            return result;
        }

        byte[] output = new byte[PgCopyRowRewriter.MaxRewrittenLength(payload.Length, columns.Length)];
        PgCopyRewriteStatus status = writer.Rewrite(payload, output, Record, out int written, out int masked);
        if (status is PgCopyRewriteStatus.NotOneRow or PgCopyRewriteStatus.Malformed)
        {
            return;
        }

        if (status is not (PgCopyRewriteStatus.Rewritten or PgCopyRewriteStatus.Unchanged))
        {
            throw new InvalidOperationException("masking a COPY row ran short with a MaxRewrittenLength buffer: " + status);
        }

        var reader = new PgCopyRowRewriter(options, columns.Length);
        int field = 0;
        int ReadBack(int column, ReadOnlySpan<byte> value, bool isNull, Span<byte> destination)
        {
            (byte[]? before, byte[]? after) = decided[field++];
            if (isNull != after is null || (after is not null && !value.SequenceEqual(after)))
            {
                throw new InvalidOperationException($"COPY column {column} does not read back as the masker wrote it");
            }

            if (before is not null)
            {
                CheckShape(plan, columns[column], column, before, after);
            }
            else if (after is not null)
            {
                throw new InvalidOperationException($"a NULL in COPY column {column} was masked into a value");
            }

            return PgCopyMaskResult.Unchanged;
        }

        byte[] echo = new byte[output.Length];
        PgCopyRewriteStatus again = reader.Rewrite(output.AsSpan(0, written), echo, ReadBack, out int echoed, out _);
        if (again != PgCopyRewriteStatus.Unchanged || !echo.AsSpan(0, echoed).SequenceEqual(output.AsSpan(0, written))
            || field != decided.Count)
        {
            throw new InvalidOperationException("a masked COPY payload does not read back: " + again);
        }

        if (masked > decided.Count)
        {
            throw new InvalidOperationException("more COPY fields reported masked than there were");
        }

        Interlocked.Increment(ref s_rowsReadBack);
    }

    /// <summary>What a masked value must look like, by the column's strategy and kind.</summary>
    private static void CheckShape(ResultMaskPlan plan, MaskColumn column, int index, byte[] before, byte[]? after)
    {
        MaskStrategyKind? strategy = plan.StrategyFor(index);
        if (strategy is null or MaskStrategyKind.Clear)
        {
            if (strategy == MaskStrategyKind.Clear && (after is null || !after.AsSpan().SequenceEqual(before)))
            {
                throw new InvalidOperationException($"column {index} is clear but its value changed");
            }

            return;
        }

        bool ok = (column.Kind, strategy) switch
        {
            (_, MaskStrategyKind.Null) => after is null,
            (MaskValueKind.Opaque, _) => after is null,
            (MaskValueKind.Int16, MaskStrategyKind.Pseudonym) => after is { Length: 2 } && after[0] < 0x80,
            (MaskValueKind.Int32, MaskStrategyKind.Pseudonym) => after is { Length: 4 } && after[0] < 0x80,
            (MaskValueKind.Int64, MaskStrategyKind.Pseudonym) => after is { Length: 8 } && after[0] < 0x80,
            (MaskValueKind.Int32, MaskStrategyKind.Fixed) => after is [0, 0, 0, 42],
            (MaskValueKind.Int16 or MaskValueKind.Int32 or MaskValueKind.Int64, _) => after is null,
            (_, MaskStrategyKind.Redact) => after is not null && after.AsSpan().SequenceEqual("[redacted]"u8),
            (_, MaskStrategyKind.Fixed) => after is not null && after.AsSpan().SequenceEqual("n/a"u8),
            (_, MaskStrategyKind.Pseudonym) => after is { Length: >= 20 } && after.AsSpan().StartsWith("pse_"u8)
                && !after.AsSpan(4, 16).ContainsAnyExcept(s_lowerHex),
            (_, MaskStrategyKind.KeepEmailDomain) => after is not null
                && (after.AsSpan().StartsWith("****@"u8) || after.AsSpan().SequenceEqual("[redacted]"u8)),
            (_, MaskStrategyKind.KeepLast) => after is not null && KeepsOnlyTheEnd(before, after),
            _ => false,
        };
        if (!ok)
        {
            throw new InvalidOperationException(
                $"column {index} ({column.Kind}, {strategy}) was masked into a value of the wrong shape");
        }
    }

    /// <summary>Stars, then a tail of the original no longer than the rule keeps (4 characters, 16 bytes at most).</summary>
    private static bool KeepsOnlyTheEnd(byte[] before, byte[] after)
    {
        int stars = after.AsSpan().IndexOfAnyExcept((byte)'*');
        ReadOnlySpan<byte> tail = stars < 0 ? [] : after.AsSpan(stars);
        return (stars != 0 || after.Length == 0) && tail.Length <= 16 && before.AsSpan().EndsWith(tail)
            && (tail.Length < before.Length || before.Length == 0);
    }

    private static List<byte[]?> ReadCells(ReadOnlySpan<byte> cells)
    {
        int count = BinaryPrimitives.ReadUInt16BigEndian(cells);
        var values = new List<byte[]?>(count);
        int at = 2;
        for (int c = 0; c < count; c++)
        {
            int length = BinaryPrimitives.ReadInt32BigEndian(cells[at..]);
            at += 4;
            values.Add(length < 0 ? null : cells.Slice(at, length).ToArray());
            at += Math.Max(length, 0);
        }

        return values;
    }

    private static MaskRule Rule(string name, MaskStrategyKind kind, string? table = null, string? column = null,
        string? pattern = null, DetectorKind? detector = null, bool derived = false, string? fixedValue = null,
        string? group = null) => new()
        {
            Name = name,
            Table = table,
            Column = column,
            ColumnNamePattern = pattern,
            Detector = detector,
            Derived = derived,
            Groups = group is null ? [] : [group],
            Strategy = new MaskStrategy(kind, Keep: 4, FixedValue: fixedValue),
        };
}
