using System.Collections.Concurrent;
using ZstdSharp;

namespace Sluice.Core.Recording;

/// <summary>
/// zstd compression contexts shared by every recording in the process. A context keeps native work memory sized
/// for the largest frame it compressed; one per session would make each idle session hold it. Only recordings
/// flushing at the same moment need their own, so a few are kept for reuse and the rest are freed.
/// </summary>
internal static class CompressorPool
{
    private const int MaxLevel = 22;

    private static readonly int MaxIdlePerLevel = Math.Max(2, Environment.ProcessorCount * 2);
    private static readonly ConcurrentQueue<Compressor>[] Idle =
        [.. Enumerable.Range(0, MaxLevel + 1).Select(_ => new ConcurrentQueue<Compressor>())];

    public static Compressor Rent(int level) =>
        Idle[Checked(level)].TryDequeue(out var compressor) ? compressor : new Compressor(level);

    public static void Return(int level, Compressor compressor)
    {
        var idle = Idle[Checked(level)];
        if (idle.Count < MaxIdlePerLevel)
        {
            idle.Enqueue(compressor);
        }
        else
        {
            compressor.Dispose();
        }
    }

    private static int Checked(int level) =>
        level is >= 1 and <= MaxLevel ? level : throw new ArgumentOutOfRangeException(nameof(level), level, "zstd levels are 1 to 22");
}
