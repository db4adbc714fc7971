using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using Sluice.Protocols.Postgres;

namespace Sluice.Protocols.Tests.Postgres.Copy;

/// <summary>
/// CopyData payloads captured from PostgreSQL 15 (COPY (SELECT * FROM tricky ORDER BY id) TO STDOUT with the
/// table in Vectors/tricky.sql). Each .copydata file is the payloads in wire order, each prefixed with its
/// Int32 big-endian length. Read from the source tree, so the test project needs no copy rule for them.
/// </summary>
internal static class PgCopyVectors
{
    public const int Columns = 7;

    /// <summary>name and note (columns 1 and 2) of the eight rows of tricky.sql, null meaning NULL.</summary>
    public static readonly string?[][] TextColumns =
    [
        ["plain", "simple note"],
        ["tab\there", "new\nline"],
        ["back\\slash", "cr\rreturn"],
        [string.Empty, null],
        ["comma, \"quoted\"", "semi;colon\tand tab"],
        ["ünïcödé 日本語 🙂", "\\N"],
        [null, "\\."],
        ["mix\t\n\r\\,;\"'", " leading and trailing "],
    ];

    public static readonly PgCopyOptions Text = new();

    public static readonly PgCopyOptions TextCustom = new() { Delimiter = (byte)'|', Null = "nil", Header = true };

    public static readonly PgCopyOptions Csv = new() { Format = PgCopyFormat.Csv };

    public static readonly PgCopyOptions CsvCustom = new()
    {
        Format = PgCopyFormat.Csv,
        Header = true,
        Delimiter = (byte)';',
        Quote = (byte)'\'',
        Escape = (byte)'\\',
        Null = "NIL",
    };

    public static readonly PgCopyOptions Binary = new() { Format = PgCopyFormat.Binary };

    public static PgCopyOptions OptionsFor(string vector) => vector switch
    {
        "text" => Text,
        "text-custom" => TextCustom,
        "csv" => Csv,
        "csv-custom" => CsvCustom,
        _ => Binary,
    };

    public static List<byte[]> Load(string vector, [CallerFilePath] string sourceFile = "")
    {
        string path = Path.Combine(Path.GetDirectoryName(sourceFile)!, "Vectors", vector + ".copydata");
        byte[] file = File.ReadAllBytes(path);
        var payloads = new List<byte[]>();
        for (int offset = 0; offset < file.Length;)
        {
            int length = BinaryPrimitives.ReadInt32BigEndian(file.AsSpan(offset));
            payloads.Add(file.AsSpan(offset + 4, length).ToArray());
            offset += 4 + length;
        }

        return payloads;
    }

    /// <summary>Runs one payload through the rewriter with a generous buffer.</summary>
    public static (PgCopyRewriteStatus Status, byte[] Output, int Masked) Rewrite(
        PgCopyRowRewriter rewriter, byte[] payload, PgCopyFieldMasker masker)
    {
        var destination = new byte[PgCopyRowRewriter.MaxRewrittenLength(payload.Length, rewriter.ColumnCount)];
        PgCopyRewriteStatus status = rewriter.Rewrite(payload, destination, masker, out int written, out int masked);
        return (status, destination[..written], masked);
    }

    public static int Keep(int column, ReadOnlySpan<byte> value, bool isNull, Span<byte> destination) =>
        PgCopyMaskResult.Unchanged;

    /// <summary>Returns the decoded value as the new value: re-encoding must give the server's bytes back.</summary>
    public static int Echo(int column, ReadOnlySpan<byte> value, bool isNull, Span<byte> destination)
    {
        if (isNull)
        {
            return PgCopyMaskResult.Null;
        }

        return value.TryCopyTo(destination) ? value.Length : PgCopyMaskResult.DestinationTooSmall;
    }

    /// <summary>A masker that replaces one column with a fixed value (null: NULL) and keeps the rest.</summary>
    public static PgCopyFieldMasker Replace(int target, string? replacement) =>
        (column, value, isNull, destination) =>
        {
            if (column != target)
            {
                return PgCopyMaskResult.Unchanged;
            }

            if (replacement is null)
            {
                return PgCopyMaskResult.Null;
            }

            byte[] bytes = System.Text.Encoding.UTF8.GetBytes(replacement);
            return bytes.AsSpan().TryCopyTo(destination) ? bytes.Length : PgCopyMaskResult.DestinationTooSmall;
        };

    /// <summary>Decodes every data row of a stream back into strings (null for NULL) through the rewriter.</summary>
    public static List<string?[]> DecodeRows(PgCopyOptions options, IEnumerable<byte[]> payloads)
    {
        var rewriter = new PgCopyRowRewriter(options, Columns);
        var rows = new List<string?[]>();
        string?[]? current = null;
        foreach (byte[] payload in payloads)
        {
            var (status, _, _) = Rewrite(rewriter, payload, (column, value, isNull, destination) =>
            {
                if (column == 0)
                {
                    current = new string?[Columns];
                    rows.Add(current);
                }

                current![column] = isNull ? null : System.Text.Encoding.UTF8.GetString(value);
                return PgCopyMaskResult.Unchanged;
            });
            Assert.Equal(PgCopyRewriteStatus.Unchanged, status);
        }

        return rows;
    }
}
