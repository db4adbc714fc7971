using System.Security.Cryptography;
using System.Text;

namespace Sluice.Masking.Tests;

/// <summary>
/// Pseudonyms hashed eight at a time must be exactly those hashed one by one, and a batch that does not hold a
/// value (or holds values of other rows) must change nothing but the speed.
/// </summary>
public sealed class PseudonymBatchTests
{
    private static readonly byte[] Key = Encoding.UTF8.GetBytes("batch pseudonym key, 32 bytes ok");

    private static readonly MaskColumn[] Columns =
    [
        new("id", "public", "t", "id", MaskValueKind.Int32),
        new("name", "public", "t", "name", MaskValueKind.Text),
        new("email", "public", "t", "email", MaskValueKind.Text),
        new("note", "public", "t", "note", MaskValueKind.Text),
    ];

    private static ResultMaskPlan Plan()
    {
        MaskRule Rule(string column, MaskStrategyKind kind) =>
            new() { Name = column, Table = "t", Column = column, Strategy = new MaskStrategy(kind) };
        var policy = new MaskingPolicy(
            [Rule("id", MaskStrategyKind.Pseudonym), Rule("name", MaskStrategyKind.Pseudonym),
                Rule("email", MaskStrategyKind.Pseudonym)],
            Key);
        return policy.ForPrincipal("svc", []).Plan(Columns, false) ?? throw new InvalidOperationException("no plan");
    }

    private static byte[] Row(int id, string? name, string email) =>
        Cells.Row(BitConverter.GetBytes(id), name is null ? null : Cells.Text(name), Cells.Text(email),
            Cells.Text("free text"));

    private static byte[] Mask(ResultMaskPlan plan, byte[] row, PseudonymBatch? batch)
    {
        var destination = new byte[ResultMaskPlan.MaxMaskedLength(row.Length)];
        int written = plan.MaskRow(row, destination, out _, batch);
        Assert.True(written > 0);
        return destination[..written];
    }

    [Fact]
    public void Every_lane_and_every_batchable_length_hashes_as_the_platform_hmac()
    {
        if (!PseudonymBatch.IsSupported)
        {
            return;
        }

        var key = new PseudonymKey(Key);
        var random = new Random(7);
        Span<byte> mac = stackalloc byte[PseudonymKey.MacBytes];
        for (int first = 0; first <= PseudonymBatch.MaxValueBytes; first += 5)
        {
            var batch = new PseudonymBatch();
            var values = new List<byte[]>();
            for (int lane = 0; lane < 8; lane++)
            {
                byte[] value = new byte[Math.Min(PseudonymBatch.MaxValueBytes, first + lane)];
                random.NextBytes(value);
                values.Add(value);
                batch.Add(value);
            }

            batch.Compute(key);
            foreach (byte[] value in values)
            {
                Assert.True(batch.TryGet(value, mac, key));
                Assert.Equal(HMACSHA256.HashData(Key, value), mac.ToArray());
            }
        }
    }

    [Fact]
    public void A_part_filled_batch_holds_only_its_values_and_only_for_its_key()
    {
        if (!PseudonymBatch.IsSupported)
        {
            return;
        }

        var key = new PseudonymKey(Key);
        var batch = new PseudonymBatch();
        batch.Add("Alice"u8);
        batch.Add(""u8);
        batch.Compute(key);
        Span<byte> mac = stackalloc byte[PseudonymKey.MacBytes];

        Assert.True(batch.TryGet(""u8, mac, key));
        Assert.Equal(HMACSHA256.HashData(Key, Array.Empty<byte>()), mac.ToArray());
        Assert.False(batch.TryGet("Alic"u8, mac, key));
        Assert.False(batch.TryGet("Alice"u8, mac, new PseudonymKey(Key)));
        batch.Clear();
        Assert.False(batch.TryGet("Alice"u8, mac, key));
    }

    [Fact]
    public void Rows_masked_from_a_batch_equal_rows_masked_alone()
    {
        ResultMaskPlan plan = Plan();
        Assert.True(plan.MakesPseudonyms);
        byte[][] rows =
        [
            Row(1, "Alice Smith", "alice@example.com"),
            Row(2, null, "bob@example.org"),
            Row(3, "Carol", "carol@example.net"),
            Row(4, "Dave", "dave@example.com"),
        ];
        var batch = new PseudonymBatch();
        Assert.True(batch.NextRowNeedsRefill());
        batch.Clear();
        Assert.True(plan.Prefetch(rows[0], batch));
        Assert.True(plan.Prefetch(rows[1], batch));

        // Up to three values per row (the second has a NULL): the fourth row no longer fits in eight lanes and is
        // left out whole.
        Assert.True(plan.Prefetch(rows[2], batch));
        Assert.False(plan.Prefetch(rows[3], batch));
        Assert.Equal(8, batch.Count);
        plan.ComputeBatch(batch);

        foreach (byte[] row in rows)
        {
            Assert.Equal(Mask(plan, row, null), Mask(plan, row, batch));
        }

        // The batch covers the three rows it was filled from: the current one and the next two.
        Assert.False(batch.NextRowNeedsRefill());
        Assert.False(batch.NextRowNeedsRefill());
        Assert.True(batch.NextRowNeedsRefill());
    }

    [Fact]
    public void Prefetch_adds_nothing_from_a_row_it_cannot_use()
    {
        ResultMaskPlan plan = Plan();
        var batch = new PseudonymBatch();
        byte[] good = Row(1, "Alice", "alice@example.com");
        byte[] tooLong = Row(2, new string('x', PseudonymBatch.MaxValueBytes + 1), "a@example.com");
        byte[] truncated = good[..^3];
        byte[] otherShape = Cells.TextRow("only one cell");

        Assert.False(plan.Prefetch(tooLong, batch));
        Assert.False(plan.Prefetch(truncated, batch));
        Assert.False(plan.Prefetch(otherShape, batch));
        Assert.Equal(0, batch.Count);
        Assert.True(plan.Prefetch(good, batch));
        Assert.Equal(3, batch.Count);

        plan.ComputeBatch(batch);
        Assert.Equal(Mask(plan, tooLong, null), Mask(plan, tooLong, batch));
    }
}
