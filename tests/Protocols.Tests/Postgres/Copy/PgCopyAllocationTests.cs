using System.Text;
using Sluice.Protocols.Postgres;

namespace Sluice.Protocols.Tests.Postgres.Copy;

/// <summary>The steady state of <see cref="PgCopyRowRewriter"/> allocates nothing, in every format.</summary>
public sealed class PgCopyAllocationTests
{
    private static readonly PgCopyFieldMasker MaskTwoColumns = static (column, value, isNull, destination) =>
    {
        if (column is not (1 or 2))
        {
            return PgCopyMaskResult.Unchanged;
        }

        if (destination.Length < 6)
        {
            return PgCopyMaskResult.DestinationTooSmall;
        }

        destination[..6].Fill((byte)'*');
        destination[5] = (byte)'\t';
        return 6;
    };

    public static TheoryData<string> Vectors => new() { "text", "csv", "binary" };

    [Theory]
    [MemberData(nameof(Vectors))]
    public void RewritingAThousandRowsMaskingTwoColumns_AllocatesNothing(string vector)
    {
        List<byte[]> payloads = PgCopyVectors.Load(vector);
        byte[] first = payloads[0];
        byte[][] rows = payloads.Skip(1).Take(7).ToArray();
        var rewriter = new PgCopyRowRewriter(PgCopyVectors.OptionsFor(vector), PgCopyVectors.Columns);
        var destination = new byte[4096];

        // Warm up: the first message (binary header), JIT, and the scratch buffer's final size.
        Assert.Equal(PgCopyRewriteStatus.Rewritten, rewriter.Rewrite(first, destination, MaskTwoColumns, out _, out _));
        int masked = RewriteAll(rewriter, rows, destination, 7);

        long before = GC.GetAllocatedBytesForCurrentThread();
        masked = RewriteAll(rewriter, rows, destination, 1_000);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(0, allocated);
        Assert.Equal(2 * 1_000, masked);
    }

    [Fact]
    public void MaskedOutputOfTheAllocationRun_IsEscaped()
    {
        var rewriter = new PgCopyRowRewriter(PgCopyVectors.Text, PgCopyVectors.Columns);
        byte[] row = PgCopyVectors.Load("text")[1];
        var destination = new byte[512];

        rewriter.Rewrite(row, destination, MaskTwoColumns, out int written, out _);

        string output = Encoding.UTF8.GetString(destination, 0, written);
        Assert.StartsWith("2\t*****\\t\t*****\\t\t-1\t", output, StringComparison.Ordinal);
        Assert.EndsWith("\tf\n", output, StringComparison.Ordinal);
    }

    private static int RewriteAll(PgCopyRowRewriter rewriter, byte[][] rows, byte[] destination, int count)
    {
        int masked = 0;
        for (int i = 0; i < count; i++)
        {
            PgCopyRewriteStatus status = rewriter.Rewrite(
                rows[i % rows.Length], destination, MaskTwoColumns, out _, out int fields);
            if (status != PgCopyRewriteStatus.Rewritten)
            {
                throw new InvalidOperationException(status.ToString());
            }

            masked += fields;
        }

        return masked;
    }
}
