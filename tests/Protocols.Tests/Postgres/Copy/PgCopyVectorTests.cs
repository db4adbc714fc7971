using System.Text;
using Sluice.Protocols.Postgres;

namespace Sluice.Protocols.Tests.Postgres.Copy;

/// <summary>Round trips over real PostgreSQL 15 COPY output in every format.</summary>
public sealed class PgCopyVectorTests
{
    public static TheoryData<string> Vectors => new() { "text", "text-custom", "csv", "csv-custom", "binary" };

    [Theory]
    [MemberData(nameof(Vectors))]
    public void KeepEveryField_OutputEqualsInputAndStatusIsUnchanged(string vector)
    {
        var rewriter = new PgCopyRowRewriter(PgCopyVectors.OptionsFor(vector), PgCopyVectors.Columns);
        List<byte[]> payloads = PgCopyVectors.Load(vector);
        Assert.True(payloads.Count >= 8);
        foreach (byte[] payload in payloads)
        {
            var (status, output, masked) = PgCopyVectors.Rewrite(rewriter, payload, PgCopyVectors.Keep);
            Assert.Equal(PgCopyRewriteStatus.Unchanged, status);
            Assert.Equal(0, masked);
            Assert.Equal(payload, output);
        }
    }

    [Theory]
    [MemberData(nameof(Vectors))]
    public void EchoDecodedValues_ReencodingReproducesTheServerBytes(string vector)
    {
        var rewriter = new PgCopyRowRewriter(PgCopyVectors.OptionsFor(vector), PgCopyVectors.Columns);
        int maskedTotal = 0;
        foreach (byte[] payload in PgCopyVectors.Load(vector))
        {
            var (status, output, masked) = PgCopyVectors.Rewrite(rewriter, payload, PgCopyVectors.Echo);
            Assert.Equal(masked > 0 ? PgCopyRewriteStatus.Rewritten : PgCopyRewriteStatus.Unchanged, status);
            Assert.Equal(payload, output);
            maskedTotal += masked;
        }

        // Eight data rows of seven columns; header lines and the binary trailer reach no masker.
        Assert.Equal(8 * PgCopyVectors.Columns, maskedTotal);
    }

    [Theory]
    [MemberData(nameof(Vectors))]
    public void MaskerSeesTheDecodedValues_SameInEveryFormat(string vector)
    {
        List<string?[]> rows = PgCopyVectors.DecodeRows(PgCopyVectors.OptionsFor(vector), PgCopyVectors.Load(vector));

        Assert.Equal(8, rows.Count);
        for (int row = 0; row < rows.Count; row++)
        {
            Assert.Equal(PgCopyVectors.TextColumns[row][0], rows[row][1]);
            Assert.Equal(PgCopyVectors.TextColumns[row][1], rows[row][2]);
        }
    }

    [Theory]
    [MemberData(nameof(Vectors))]
    public void MaskOneColumnWithTrickyValues_OnlyThatFieldChangesAndDecodesBack(string vector)
    {
        string?[] replacements =
        [
            "a\tb", "line\nbreak\r", "back\\slash", "semi;colon|pipe,comma", "q\"uote'", "ünï 🙂",
            "", null, "\\N", "NIL",
        ];
        foreach (string? replacement in replacements)
        {
            PgCopyOptions options = PgCopyVectors.OptionsFor(vector);
            var rewriter = new PgCopyRowRewriter(options, PgCopyVectors.Columns);
            var rewritten = new List<byte[]>();
            foreach (byte[] payload in PgCopyVectors.Load(vector))
            {
                var (status, output, _) =
                    PgCopyVectors.Rewrite(rewriter, payload, PgCopyVectors.Replace(2, replacement));
                Assert.True(
                    status is PgCopyRewriteStatus.Rewritten or PgCopyRewriteStatus.Unchanged, status.ToString());
                rewritten.Add(output);
            }

            List<string?[]> before = PgCopyVectors.DecodeRows(options, PgCopyVectors.Load(vector));
            List<string?[]> after = PgCopyVectors.DecodeRows(options, rewritten);
            Assert.Equal(before.Count, after.Count);
            for (int row = 0; row < before.Count; row++)
            {
                for (int column = 0; column < PgCopyVectors.Columns; column++)
                {
                    Assert.Equal(column == 2 ? replacement : before[row][column], after[row][column]);
                }
            }
        }
    }

    [Fact]
    public void Binary_HeaderRidesWithTheFirstTupleAndTheTrailerComesAlone()
    {
        List<byte[]> payloads = PgCopyVectors.Load("binary");
        var rewriter = new PgCopyRowRewriter(PgCopyVectors.Binary, PgCopyVectors.Columns);

        Assert.Equal(9, payloads.Count);
        Assert.Equal(new byte[] { 0xFF, 0xFF }, payloads[^1]);
        for (int i = 0; i < payloads.Count; i++)
        {
            Assert.False(rewriter.TrailerSeen);
            var (status, _, masked) = PgCopyVectors.Rewrite(rewriter, payloads[i], PgCopyVectors.Echo);
            Assert.Equal(i < 8 ? PgCopyRewriteStatus.Rewritten : PgCopyRewriteStatus.Unchanged, status);
            Assert.Equal(i < 8 ? PgCopyVectors.Columns : 0, masked);
        }

        Assert.True(rewriter.TrailerSeen);
        Assert.Equal(
            PgCopyRewriteStatus.Malformed, PgCopyVectors.Rewrite(rewriter, payloads[1], PgCopyVectors.Echo).Status);
    }

    [Fact]
    public void Binary_EmptyResultSendsHeaderAndTrailerInOneMessage()
    {
        byte[] payload = PgCopyVectors.Load("binary-empty").Single();
        var rewriter = new PgCopyRowRewriter(PgCopyVectors.Binary, PgCopyVectors.Columns);

        var (status, output, masked) = PgCopyVectors.Rewrite(rewriter, payload, PgCopyVectors.Echo);

        Assert.Equal(PgCopyRewriteStatus.Unchanged, status);
        Assert.Equal(payload, output);
        Assert.Equal(0, masked);
        Assert.True(rewriter.TrailerSeen);
    }

    [Theory]
    [InlineData("text-custom")]
    [InlineData("csv-custom")]
    public void HeaderLine_PassesUnchangedWithoutReachingTheMasker(string vector)
    {
        byte[] header = PgCopyVectors.Load(vector)[0];
        var rewriter = new PgCopyRowRewriter(PgCopyVectors.OptionsFor(vector), PgCopyVectors.Columns);
        int calls = 0;

        var (status, output, _) = PgCopyVectors.Rewrite(rewriter, header, (_, _, _, _) =>
        {
            calls++;
            return 0;
        });

        Assert.Equal(PgCopyRewriteStatus.Unchanged, status);
        Assert.Equal(header, output);
        Assert.Equal(0, calls);
        Assert.StartsWith("id", Encoding.UTF8.GetString(output), StringComparison.Ordinal);
    }
}
