using System.Buffers.Binary;
using System.Text;
using BenchmarkDotNet.Attributes;
using Sluice.Protocols.Postgres;

namespace Sluice.Benchmarks;

/// <summary>
/// Rewrites a COPY OUT stream of 10,000 rows of seven columns, masking three of them (an e-mail address with a
/// fixed value, a note with a value that needs escaping or quoting, a secret with NULL), in text, CSV and binary
/// format. Each invocation builds a new <see cref="PgCopyRowRewriter"/>, as the gateway does per COPY, so the
/// Allocated column shows that one-off cost (a few hundred bytes) and nothing per row.
/// </summary>
[MemoryDiagnoser]
public class PgCopyBenchmarks
{
    private const int Rows = 10_000;
    private const int Columns = 7;

    private static readonly PgCopyOptions TextOptions = new();
    private static readonly PgCopyOptions CsvOptions = new() { Format = PgCopyFormat.Csv };
    private static readonly PgCopyOptions BinaryOptions = new() { Format = PgCopyFormat.Binary };

    private byte[][] _text = [];
    private byte[][] _csv = [];
    private byte[][] _binary = [];
    private byte[] _destination = [];

    /// <summary>Builds the three streams the way PostgreSQL frames them: one row per CopyData.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _text = new byte[Rows][];
        _csv = new byte[Rows][];
        _binary = new byte[Rows + 1][];
        for (int i = 0; i < Rows; i++)
        {
            string[] fields =
            [
                i.ToString(System.Globalization.CultureInfo.InvariantCulture),
                "user" + i + "@example.com",
                "Customer " + i,
                i % 5 == 0 ? "note with\ttab and \"quotes\", comma" : "plain note " + i,
                "2024-01-" + ((i % 28) + 1).ToString("00", System.Globalization.CultureInfo.InvariantCulture),
                "secret-token-" + i,
                (i * 3.25).ToString(System.Globalization.CultureInfo.InvariantCulture),
            ];
            _text[i] = Encoding.UTF8.GetBytes(string.Join('\t', fields.Select(EscapeText)) + "\n");
            _csv[i] = Encoding.UTF8.GetBytes(string.Join(',', fields.Select(QuoteCsv)) + "\n");
            _binary[i] = BinaryTuple(fields, header: i == 0);
        }

        _binary[Rows] = [0xFF, 0xFF];
        _destination = new byte[PgCopyRowRewriter.MaxRewrittenLength(1024, Columns)];
        if (Rewrite(TextOptions, _text) != 3 * Rows || Rewrite(CsvOptions, _csv) != 3 * Rows
            || Rewrite(BinaryOptions, _binary) != 3 * Rows)
        {
            throw new InvalidOperationException("the generated streams did not rewrite cleanly");
        }
    }

    /// <summary>Text format.</summary>
    [Benchmark(Baseline = true)]
    public int Text() => Rewrite(TextOptions, _text);

    /// <summary>CSV format.</summary>
    [Benchmark]
    public int Csv() => Rewrite(CsvOptions, _csv);

    /// <summary>Binary format (header with the first tuple, trailer alone).</summary>
    [Benchmark]
    public int Binary() => Rewrite(BinaryOptions, _binary);

    private static int Mask(int column, ReadOnlySpan<byte> value, bool isNull, Span<byte> destination)
    {
        ReadOnlySpan<byte> replacement = column switch
        {
            1 => "masked@example.invalid"u8,
            3 => "redacted\tnote, \"x\""u8,
            _ => default,
        };
        if (column == 5)
        {
            return PgCopyMaskResult.Null;
        }

        if (column is not (1 or 3))
        {
            return PgCopyMaskResult.Unchanged;
        }

        return replacement.TryCopyTo(destination) ? replacement.Length : PgCopyMaskResult.DestinationTooSmall;
    }

    private int Rewrite(PgCopyOptions options, byte[][] payloads)
    {
        var rewriter = new PgCopyRowRewriter(options, Columns);
        int masked = 0;
        foreach (byte[] payload in payloads)
        {
            PgCopyRewriteStatus status = rewriter.Rewrite(payload, _destination, Mask, out _, out int fields);
            if (status is not (PgCopyRewriteStatus.Rewritten or PgCopyRewriteStatus.Unchanged))
            {
                throw new InvalidOperationException(status.ToString());
            }

            masked += fields;
        }

        return masked;
    }

    private static string EscapeText(string value) =>
        value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\t", "\\t", StringComparison.Ordinal);

    private static string QuoteCsv(string value) => value.AsSpan().IndexOfAny(",\"\n\r") >= 0
        ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\""
        : value;

    private static byte[] BinaryTuple(string[] fields, bool header)
    {
        var bytes = new List<byte>();
        if (header)
        {
            bytes.AddRange([0x50, 0x47, 0x43, 0x4F, 0x50, 0x59, 0x0A, 0xFF, 0x0D, 0x0A, 0x00, 0, 0, 0, 0, 0, 0, 0, 0]);
        }

        Span<byte> number = stackalloc byte[4];
        BinaryPrimitives.WriteInt16BigEndian(number, (short)fields.Length);
        bytes.AddRange(number[..2]);
        foreach (string field in fields)
        {
            byte[] value = Encoding.UTF8.GetBytes(field);
            BinaryPrimitives.WriteInt32BigEndian(number, value.Length);
            bytes.AddRange(number);
            bytes.AddRange(value);
        }

        return [.. bytes];
    }
}
