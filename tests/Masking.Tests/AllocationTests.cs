using System.Text;

namespace Sluice.Masking.Tests;

/// <summary>The steady state allocates nothing: per row, per value, per detector call.</summary>
public sealed class AllocationTests
{
    private const int Iterations = 2000;

    [Fact]
    public void Mask_row_allocates_nothing_after_warm_up()
    {
        ResultMaskPlan? plan = MaskRowTests.CustomerPolicy().ForPrincipal("s", []).Plan(MaskRowTests.CustomerColumns,
            true);
        Assert.NotNull(plan);
        byte[] source = MaskRowTests.CustomerRow();
        byte[] destination = new byte[2048];
        int total = 0;
        for (int i = 0; i < 100; i++)
        {
            total += plan.MaskRow(source, destination, out _);
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < Iterations; i++)
        {
            total += plan.MaskRow(source, destination, out int masked);
            total += masked;
        }

        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(0, allocated);
        Assert.True(total > 0);
    }

    [Fact]
    public void Pseudonyms_and_integers_allocate_nothing_after_warm_up()
    {
        byte[] key = Encoding.UTF8.GetBytes("allocation tests pseudonym key!!");
        var policy = new MaskingPolicy(
        [
            new MaskRule { Name = "id", Table = "t", Column = "id", Strategy = new(MaskStrategyKind.Pseudonym) },
            new MaskRule { Name = "big", Table = "t", Column = "big", Strategy = new(MaskStrategyKind.Fixed, 0, "7") },
            new MaskRule { Name = "name", Table = "t", Column = "name", Strategy = new(MaskStrategyKind.Pseudonym) },
        ], key);
        ResultMaskPlan? plan = policy.ForPrincipal("x", []).Plan(
        [
            new("id", null, "t", "id", MaskValueKind.Int32), new("big", null, "t", "big", MaskValueKind.Int64),
            new("name", null, "t", "name", MaskValueKind.Text),
        ], false);
        Assert.NotNull(plan);
        byte[] source = Cells.Row([0, 0, 4, 18], new byte[8], Cells.Text("alice@example.com"));
        byte[] destination = new byte[256];
        int total = 0;
        for (int i = 0; i < 100; i++)
        {
            total += plan.MaskRow(source, destination, out _);
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < Iterations; i++)
        {
            total += plan.MaskRow(source, destination, out _);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.True(total > 0);
    }

    [Fact]
    public void Every_detector_allocates_nothing()
    {
        foreach (DetectorKind kind in Enum.GetValues<DetectorKind>())
        {
            byte[][] values =
            [
                .. DetectorSamples.Positives[kind].Select(v => Encoding.UTF8.GetBytes($"see {v} here")),
                .. DetectorSamples.Negatives[kind].Select(Encoding.UTF8.GetBytes),
            ];
            int found = Run(kind, values);
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < 50; i++)
            {
                found += Run(kind, values);
            }

            Assert.True(GC.GetAllocatedBytesForCurrentThread() == before, $"{kind} allocated");
            Assert.True(found > 0);
        }

        static int Run(DetectorKind kind, byte[][] values)
        {
            int found = 0;
            foreach (byte[] value in values)
            {
                found += Detectors.TryFind(kind, value, out _, out int length) ? length : 0;
                found += Detectors.IsMatch(kind, value) ? 1 : 0;
            }

            return found;
        }
    }
}
