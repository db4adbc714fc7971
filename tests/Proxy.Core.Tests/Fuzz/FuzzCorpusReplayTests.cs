using Sluice.Fuzz;

namespace Sluice.Core.Tests.Fuzz;

/// <summary>
/// Replays the core fuzz targets' corpora (compiled in from fuzz/Sluice.Fuzz/CoreTargets.cs) with every
/// truncation and a fixed set of byte mutations of each input, so a regression fails here without fuzzing tools.
/// </summary>
public sealed class FuzzCorpusReplayTests
{
    private static readonly Dictionary<string, Action<byte[]>> Runners = new()
    {
        ["sql"] = data => CoreTargets.Sql(data),
        ["recording"] = data => CoreTargets.Recording(data),
        ["config"] = data => CoreTargets.Config(data),
    };

    public static TheoryData<string, string> CorpusFiles
    {
        get
        {
            var data = new TheoryData<string, string>();
            foreach (string target in Runners.Keys)
            {
                foreach (string file in Directory.EnumerateFiles(CorpusDirectory(target)).Order())
                {
                    data.Add(target, Path.GetFileName(file));
                }
            }

            return data;
        }
    }

    [Fact]
    public void Corpus_HasSeedsForEveryTarget()
    {
        foreach (string target in Runners.Keys)
        {
            Assert.True(Directory.EnumerateFiles(CorpusDirectory(target)).Count() >= 3, target);
        }
    }

    [Theory]
    [MemberData(nameof(CorpusFiles))]
    public void Input_WholeTruncatedAndMutated_FailsOnlyAsDeclared(string target, string file)
    {
        byte[] seed = File.ReadAllBytes(Path.Combine(CorpusDirectory(target), file));
        CorpusReplay.WholeTruncatedAndMutated(
            seed, Runners[target], randomSeed: 20260301, thorough: CorpusReplay.IsSeed(file));
    }

    [Fact]
    public void Seeds_ReachPastTheFirstCheck()
    {
        long loaded = CoreTargets.ConfigsLoaded;
        long read = CoreTargets.RecordingEventsRead;
        foreach (string target in new[] { "config", "recording" })
        {
            foreach (string file in Directory.EnumerateFiles(CorpusDirectory(target)))
            {
                Runners[target](File.ReadAllBytes(file));
            }
        }

        // Counters are shared with tests running in parallel, so only growth is certain.
        Assert.True(CoreTargets.ConfigsLoaded - loaded >= 3, "too few configuration seeds load");
        Assert.True(CoreTargets.RecordingEventsRead - read >= 20, "the recording seeds read back too few events");
    }

    private static string CorpusDirectory(string target) =>
        Path.Combine(AppContext.BaseDirectory, "fuzz-corpus", target);
}
