namespace Sluice.Fuzz;

/// <summary>
/// Runs one corpus input through a target the way the test suites replay corpora: whole, cut at a spread of
/// lengths, and with a fixed set of random byte changes, so a regression fails without fuzzing tools.
/// Hand-made seeds and findings get many mutations; the many small inputs campaigns merge in get a few.
/// The test projects compile this file in together with the targets.
/// </summary>
public static class CorpusReplay
{
    /// <summary>Mutations of a seed or a finding: enough to reach past the first check.</summary>
    public const int SeedMutations = 300;

    /// <summary>Mutations of an input a campaign merged in (named by its SHA-1): there are many, each small.</summary>
    public const int MergedMutations = 10;

    /// <summary>The mutation count for a corpus file: campaigns name merged inputs by their SHA-1.</summary>
    public static int MutationsFor(string fileName) =>
        fileName.Length == 40 && fileName.All(char.IsAsciiHexDigitLower) ? MergedMutations : SeedMutations;

    public static void WholeTruncatedAndMutated(byte[] input, Action<byte[]> target, int randomSeed,
        int mutations = SeedMutations)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(target);
        target(input);
        for (int length = 0; length < input.Length; length += 1 + (length / 64))
        {
            target(input[..length]);
        }

        var random = new Random(randomSeed);
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
