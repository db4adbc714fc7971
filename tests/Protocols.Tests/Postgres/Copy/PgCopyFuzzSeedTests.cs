using Sluice.Fuzz;

namespace Sluice.Protocols.Tests.Postgres.Copy;

/// <summary>The COPY fuzz seeds drive real rows through the rewriter and its read-back check.</summary>
public sealed class PgCopyFuzzSeedTests
{
    [Theory]
    [InlineData("pg-copy-text", "tricky", 8)]
    [InlineData("pg-copy-text", "tricky-custom-header", 9)]
    [InlineData("pg-copy-csv", "tricky", 8)]
    [InlineData("pg-copy-csv", "tricky-custom-header", 9)]
    [InlineData("pg-copy-binary", "tricky", 9)]
    public void CapturedSeed_EveryPayloadIsRewrittenAndReadBack(string target, string seed, int payloads)
    {
        byte[] data = File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "fuzz-corpus", target, seed));
        long before = PgTargets.CopyPayloadsReadBack;

        switch (target)
        {
            case "pg-copy-text":
                PgTargets.CopyText(data);
                break;
            case "pg-copy-csv":
                PgTargets.CopyCsv(data);
                break;
            default:
                PgTargets.CopyBinary(data);
                break;
        }

        // Other tests may run the targets at the same time, so the count can only be a lower bound.
        Assert.True(PgTargets.CopyPayloadsReadBack - before >= payloads);
    }
}
