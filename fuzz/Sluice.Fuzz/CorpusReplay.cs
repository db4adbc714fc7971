namespace Sluice.Fuzz;

/// <summary>
/// Runs one corpus input through a target the way the test suites replay corpora: whole, cut at a spread of
/// lengths, and with a fixed set of random byte changes, so a regression fails without fuzzing tools.
/// Hand-made seeds and findings are replayed thoroughly; the many inputs campaigns merge in, lightly.
/// The test projects compile this file in together with the targets.
/// </summary>
public static class CorpusReplay
{
    /// <summary>Campaigns name the inputs they merge in by their SHA-1; seeds and findings have names.</summary>
    public static bool IsSeed(string fileName) =>
        !(fileName.Length == 40 && fileName.All(char.IsAsciiHexDigitLower));

    /// <param name="input">The corpus input.</param>
    /// <param name="target">The fuzz target.</param>
    /// <param name="randomSeed">Seeds the mutations, so every run replays the same inputs.</param>
    /// <param name="thorough">
    /// True (seeds): cuts every 1 + length/64 bytes and 300 mutations. False (merged inputs): 16 cuts and 10
    /// mutations, since there are many of them and the campaign already ran their neighbourhood.
    /// </param>
    public static void WholeTruncatedAndMutated(byte[] input, Action<byte[]> target, int randomSeed, bool thorough)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(target);
        target(input);
        for (int length = 0; length < input.Length; length += thorough ? 1 + (length / 64) : 1 + (input.Length / 16))
        {
            target(input[..length]);
        }

        var random = new Random(randomSeed);
        int mutations = thorough ? 300 : 10;
        for (int i = 0; i < mutations && input.Length > 0; i++)
        {
            byte[] mutated = (byte[])input.Clone();
            for (int changes = 1 + random.Next(3); changes > 0; changes--)
            {
                mutated[random.Next(mutated.Length)] = (byte)random.Next(256);
            }

            target(mutated);
        }
    }
}
