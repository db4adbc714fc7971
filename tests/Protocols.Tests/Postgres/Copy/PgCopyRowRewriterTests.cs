using System.Buffers.Binary;
using System.Text;
using Sluice.Protocols.Postgres;

namespace Sluice.Protocols.Tests.Postgres.Copy;

/// <summary>Exact output bytes, framing checks and error statuses of <see cref="PgCopyRowRewriter"/>.</summary>
public sealed class PgCopyRowRewriterTests
{
    private static readonly PgCopyOptions Text = new();
    private static readonly PgCopyOptions Csv = new() { Format = PgCopyFormat.Csv };

    [Theory]
    [InlineData("a\tb", "1\ta\\tb\tz\n")]
    [InlineData("x\ny\rz", "1\tx\\ny\\rz\tz\n")]
    [InlineData("c:\\dir", "1\tc:\\\\dir\tz\n")]
    [InlineData("\b\f\v\u0001", "1\t\\b\\f\\v\u0001\tz\n")]
    [InlineData("日本", "1\t日本\tz\n")]
    [InlineData("", "1\t\tz\n")]
    [InlineData(null, "1\t\\N\tz\n")]
    [InlineData("\\N", "1\t\\\\N\tz\n")]
    public void Text_MaskedValueIsEscapedLikeTheServer(string? replacement, string expected)
    {
        Assert.Equal(expected, RewriteOne(Text, 3, "1\tsecret\tz\n", 1, replacement, PgCopyRewriteStatus.Rewritten));
    }

    [Fact]
    public void Text_CustomDelimiterInTheValueIsEscaped()
    {
        var options = new PgCopyOptions { Delimiter = (byte)'|' };
        Assert.Equal("1|a\\|b\\tc|z\n", RewriteOne(options, 3, "1|x|z\n", 1, "a|b\tc", null));
    }

    [Theory]
    [InlineData("plain", "1,plain,z\n")]
    [InlineData("a,b", "1,\"a,b\",z\n")]
    [InlineData("he said \"hi\"", "1,\"he said \"\"hi\"\"\",z\n")]
    [InlineData("two\nlines", "1,\"two\nlines\",z\n")]
    [InlineData("cr\r", "1,\"cr\r\",z\n")]
    [InlineData("", "1,\"\",z\n")]
    [InlineData(null, "1,,z\n")]
    [InlineData("back\\slash\t", "1,back\\slash\t,z\n")]
    public void Csv_MaskedValueIsQuotedOnlyWhenNeeded(string? replacement, string expected)
    {
        Assert.Equal(expected, RewriteOne(Csv, 3, "1,secret,z\n", 1, replacement, PgCopyRewriteStatus.Rewritten));
    }

    [Fact]
    public void Csv_SeparateEscapeCharacterEscapesQuoteAndItself()
    {
        var options = new PgCopyOptions { Format = PgCopyFormat.Csv, Escape = (byte)'\\' };
        Assert.Equal("1,\"a\\\"b\\\\c\",z\n", RewriteOne(options, 3, "1,x,z\n", 1, "a\"b\\c", null));
    }

    [Fact]
    public void Csv_LoneBackslashDotIsQuotedInAOneColumnCopy()
    {
        Assert.Equal("\"\\.\"\n", RewriteOne(Csv, 1, "x\n", 0, "\\.", null));
    }

    [Fact]
    public void Csv_NewlinesInsideQuotesBelongToTheField()
    {
        var rewriter = new PgCopyRowRewriter(Csv, 2);
        string? seen = null;
        byte[] payload = Encoding.UTF8.GetBytes("\"multi\nline\r\nvalue\",2\n");

        var (status, output, _) = PgCopyVectors.Rewrite(rewriter, payload, (column, value, isNull, destination) =>
        {
            seen ??= Encoding.UTF8.GetString(value);
            return PgCopyMaskResult.Unchanged;
        });

        Assert.Equal(PgCopyRewriteStatus.Unchanged, status);
        Assert.Equal(payload, output);
        Assert.Equal("multi\nline\r\nvalue", seen);
    }

    [Fact]
    public void Csv_QuotedEmptyIsAnEmptyStringAndUnquotedEmptyIsNull()
    {
        var rewriter = new PgCopyRowRewriter(Csv, 3);
        var seen = new List<string?>();
        PgCopyVectors.Rewrite(rewriter, "\"\",,x\n"u8.ToArray(), (column, value, isNull, destination) =>
        {
            seen.Add(isNull ? null : Encoding.UTF8.GetString(value));
            return PgCopyMaskResult.Unchanged;
        });

        Assert.Equal(["", null, "x"], seen);
    }

    [Theory]
    [InlineData("1\ta\\x41\\101\\q\n", "aAAq")]
    [InlineData("1\t\\xg\n", "xg")]
    [InlineData("1\t\\\\\\t\\N\n", "\\\tN")]
    public void Text_EscapesAreDecodedBeforeTheMasker(string row, string expected)
    {
        var rewriter = new PgCopyRowRewriter(Text, 2);
        string? seen = null;
        var (status, output, _) = PgCopyVectors.Rewrite(rewriter, Encoding.UTF8.GetBytes(row), (column, value, _, _) =>
        {
            if (column == 1)
            {
                seen = Encoding.UTF8.GetString(value);
            }

            return PgCopyMaskResult.Unchanged;
        });

        Assert.Equal(PgCopyRewriteStatus.Unchanged, status);
        Assert.Equal(row, Encoding.UTF8.GetString(output));
        Assert.Equal(expected, seen);
    }

    [Theory]
    [InlineData("1\ta\n2\tb\n")]
    [InlineData("1\ta")]
    [InlineData("")]
    [InlineData("1\ta\\\n")]
    [InlineData("1\ta\rb\n")]
    public void Text_PayloadThatIsNotExactlyOneRow_IsNotOneRow(string payload)
    {
        AssertStatus(Text, 2, payload, PgCopyRewriteStatus.NotOneRow);
    }

    [Theory]
    [InlineData("1,a\n2,b\n")]
    [InlineData("1,\"open\n")]
    [InlineData("1,a")]
    [InlineData("1,\"a\"\n2,\"b\"\n")]
    public void Csv_PayloadThatIsNotExactlyOneRow_IsNotOneRow(string payload)
    {
        AssertStatus(Csv, 2, payload, PgCopyRewriteStatus.NotOneRow);
    }

    [Theory]
    [InlineData("1\n")]
    [InlineData("1\t2\t3\n")]
    [InlineData("1\t\\000\n")]
    [InlineData("1\t\\x0\n")]
    public void Text_WrongFieldCountOrZeroByteEscape_IsMalformed(string payload)
    {
        AssertStatus(Text, 2, payload, PgCopyRewriteStatus.Malformed);
    }

    [Fact]
    public void Text_CrLfEndingIsKept()
    {
        Assert.Equal("1\t***\r\n", RewriteOne(Text, 2, "1\tsecret\r\n", 1, "***", PgCopyRewriteStatus.Rewritten));
    }

    [Fact]
    public void DestinationTooSmall_ChangesNoStateAndARetryWithMoreRoomSucceeds()
    {
        var options = new PgCopyOptions { Header = true };
        var rewriter = new PgCopyRowRewriter(options, 2);
        byte[] header = "a\tb\n"u8.ToArray();

        Assert.Equal(PgCopyRewriteStatus.DestinationTooSmall,
            rewriter.Rewrite(header, new byte[2], PgCopyVectors.Echo, out int written, out _));
        Assert.Equal(0, written);
        Assert.Equal(PgCopyRewriteStatus.Unchanged, PgCopyVectors.Rewrite(rewriter, header, PgCopyVectors.Echo).Status);

        byte[] row = "1\tx\n"u8.ToArray();
        PgCopyFieldMasker longValue = PgCopyVectors.Replace(1, new string('\t', 100));
        Assert.Equal(
            PgCopyRewriteStatus.DestinationTooSmall, rewriter.Rewrite(row, new byte[150], longValue, out _, out _));
        var (status, output, masked) = PgCopyVectors.Rewrite(rewriter, row, longValue);
        Assert.Equal(PgCopyRewriteStatus.Rewritten, status);
        Assert.Equal(1, masked);
        Assert.Equal("1\t" + string.Concat(Enumerable.Repeat("\\t", 100)) + "\n", Encoding.UTF8.GetString(output));
    }

    [Fact]
    public void InvalidMaskerResult_IsMalformed()
    {
        AssertStatus(Text, 2, "1\ta\n", PgCopyRewriteStatus.Malformed, (_, _, _, _) => -5);
        AssertStatus(Text, 2, "1\ta\n", PgCopyRewriteStatus.Malformed, (_, _, _, d) => d.Length + 1);
    }

    [Fact]
    public void Binary_MaskedFieldGetsItsNewLengthAndNullIsMinusOne()
    {
        byte[] payload = BinaryStream(header: true, ["id"u8.ToArray(), "secret"u8.ToArray(), null]);
        var rewriter = new PgCopyRowRewriter(new PgCopyOptions { Format = PgCopyFormat.Binary }, 3);

        var (status, output, masked) = PgCopyVectors.Rewrite(rewriter, payload, (column, value, isNull, destination) =>
            column switch
            {
                1 => PgCopyMaskResult.Null,
                2 => "xyz"u8.TryCopyTo(destination) ? 3 : PgCopyMaskResult.DestinationTooSmall,
                _ => PgCopyMaskResult.Unchanged,
            });

        Assert.Equal(PgCopyRewriteStatus.Rewritten, status);
        Assert.Equal(2, masked);
        Assert.Equal(BinaryStream(header: true, ["id"u8.ToArray(), null, "xyz"u8.ToArray()]), output);
    }

    [Fact]
    public void Binary_TruncatedTupleBadSignatureUnknownFlagsAndDataAfterTrailer_AreMalformed()
    {
        var options = new PgCopyOptions { Format = PgCopyFormat.Binary };
        byte[] good = BinaryStream(header: true, ["a"u8.ToArray()]);
        for (int cut = 1; cut < good.Length; cut++)
        {
            if (cut == 19)
            {
                continue; // the header alone is a complete (if unusual) payload
            }

            Assert.Equal(PgCopyRewriteStatus.Malformed,
                PgCopyVectors.Rewrite(new PgCopyRowRewriter(options, 1), good[..cut], PgCopyVectors.Echo).Status);
        }

        byte[] badSignature = (byte[])good.Clone();
        badSignature[0] = (byte)'X';
        byte[] oids = (byte[])good.Clone();
        oids[13] = 1;
        byte[] wrongCount = BinaryStream(header: true, ["a"u8.ToArray(), "b"u8.ToArray()]);
        byte[] afterTrailer = [.. BinaryStream(header: true, []), 0xFF, 0xFF, 0, 1];
        foreach (byte[] payload in new[] { badSignature, oids, wrongCount, afterTrailer })
        {
            Assert.Equal(PgCopyRewriteStatus.Malformed,
                PgCopyVectors.Rewrite(new PgCopyRowRewriter(options, 1), payload, PgCopyVectors.Echo).Status);
        }
    }

    [Fact]
    public void MaxRewrittenLength_CoversTheWorstEscapingOfAFullRow()
    {
        // Every byte a tab: the server writes "\t" (2 bytes) per tab, the masker echoes 1 decoded byte each.
        string value = new('\t', 1000);
        string row = "1\t" + value.Replace("\t", "\\t") + "\n";
        int bound = PgCopyRowRewriter.MaxRewrittenLength(row.Length, 2);
        var rewriter = new PgCopyRowRewriter(Text, 2);

        PgCopyRewriteStatus status = rewriter.Rewrite(Encoding.UTF8.GetBytes(row), new byte[bound],
            PgCopyVectors.Replace(1, value + new string('\n', PgCopyRowRewriter.MaskedValueAllowance)), out _, out _);

        Assert.Equal(PgCopyRewriteStatus.Rewritten, status);
    }

    private static string RewriteOne(
        PgCopyOptions options, int columns, string row, int column, string? replacement, PgCopyRewriteStatus? expected)
    {
        var rewriter = new PgCopyRowRewriter(options, columns);
        var (status, output, masked) = PgCopyVectors.Rewrite(
            rewriter, Encoding.UTF8.GetBytes(row), PgCopyVectors.Replace(column, replacement));
        Assert.Equal(expected ?? PgCopyRewriteStatus.Rewritten, status);
        Assert.Equal(1, masked);
        return Encoding.UTF8.GetString(output);
    }

    private static void AssertStatus(
        PgCopyOptions options,
        int columns,
        string payload,
        PgCopyRewriteStatus expected,
        PgCopyFieldMasker? masker = null)
    {
        var rewriter = new PgCopyRowRewriter(options, columns);
        PgCopyRewriteStatus status = rewriter.Rewrite(
            Encoding.UTF8.GetBytes(payload),
            new byte[4096],
            masker ?? PgCopyVectors.Echo,
            out int written,
            out int masked);
        Assert.Equal(expected, status);
        Assert.Equal(0, written);
        Assert.Equal(0, masked);
    }

    private static byte[] BinaryStream(bool header, byte[]?[] fields)
    {
        var bytes = new List<byte>();
        if (header)
        {
            bytes.AddRange("PGCOPY\n"u8.ToArray());
            bytes.AddRange(new byte[] { 0xFF, (byte)'\r', (byte)'\n', 0, 0, 0, 0, 0, 0, 0, 0, 0 });
        }

        if (fields.Length == 0)
        {
            bytes.AddRange(new byte[] { 0xFF, 0xFF });
            return [.. bytes];
        }

        var count = new byte[2];
        BinaryPrimitives.WriteInt16BigEndian(count, (short)fields.Length);
        bytes.AddRange(count);
        foreach (byte[]? field in fields)
        {
            var length = new byte[4];
            BinaryPrimitives.WriteInt32BigEndian(length, field?.Length ?? -1);
            bytes.AddRange(length);
            bytes.AddRange(field ?? []);
        }

        return [.. bytes];
    }
}
