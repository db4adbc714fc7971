using Sluice.Fuzz;

namespace Sluice.Protocols.Tests.Postgres;

/// <summary>
/// Replays the fuzz seed corpus through the same target functions libFuzzer drives (compiled in from
/// fuzz/Sluice.Fuzz/PgTargets.cs), plus every truncation and a fixed set of byte mutations of each seed, so a
/// regression that throws anything but PgProtocolException fails here without fuzzing tools.
/// </summary>
public sealed class FuzzCorpusReplayTests
{
    public static TheoryData<string, string> CorpusFiles
    {
        get
        {
            var data = new TheoryData<string, string>();
            foreach (string target in Targets)
            {
                foreach (string file in Directory.EnumerateFiles(CorpusDirectory(target)).Order())
                {
                    data.Add(target, Path.GetFileName(file));
                }
            }

            return data;
        }
    }

    private static readonly Dictionary<string, Action<byte[]>> Runners = new()
    {
        ["pg-frontend"] = data => PgTargets.Frontend(data),
        ["pg-backend"] = data => PgTargets.Backend(data),
        ["pg-copy-text"] = data => PgTargets.CopyText(data),
        ["pg-copy-csv"] = data => PgTargets.CopyCsv(data),
        ["pg-copy-binary"] = data => PgTargets.CopyBinary(data),
        ["scram"] = data => ScramTargets.Scram(data),
        ["mask"] = data => MaskTargets.Mask(data),
    };

    private static IEnumerable<string> Targets => Runners.Keys;

    [Fact]
    public void Corpus_HasSeedsForEveryTarget()
    {
        foreach (string target in Targets)
        {
            Assert.True(Directory.EnumerateFiles(CorpusDirectory(target)).Count() >= 3, target);
        }
    }

    [Theory]
    [MemberData(nameof(CorpusFiles))]
    public void Seed_WholeTruncatedAndMutated_ThrowsNothingButProtocolErrors(string target, string file)
    {
        byte[] seed = File.ReadAllBytes(Path.Combine(CorpusDirectory(target), file));
        CorpusReplay.WholeTruncatedAndMutated(
            seed, Runners[target], randomSeed: 20240917, thorough: CorpusReplay.IsSeed(file));
    }

    [Fact]
    public void Seeds_ReachTheChecksBeyondParsing()
    {
        long exchanges = ScramTargets.ExchangesVerified;
        long rows = MaskTargets.RowsReadBack;
        foreach (string file in Directory.EnumerateFiles(CorpusDirectory("scram")))
        {
            ScramTargets.Scram(File.ReadAllBytes(file));
        }

        foreach (string file in Directory.EnumerateFiles(CorpusDirectory("mask")))
        {
            MaskTargets.Mask(File.ReadAllBytes(file));
        }

        // Counters are shared with tests running in parallel, so only growth is certain.
        Assert.True(ScramTargets.ExchangesVerified - exchanges >= 2, "SCRAM seeds never got a server-first accepted");
        Assert.True(MaskTargets.RowsReadBack - rows >= 7, "mask seeds did not all get masked and read back");
    }

    private static string CorpusDirectory(string target) =>
        Path.Combine(AppContext.BaseDirectory, "fuzz-corpus", target);
}
