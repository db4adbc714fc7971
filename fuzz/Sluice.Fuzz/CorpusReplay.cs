namespace Sluice.Fuzz;

/// <summary>
/// Runs one corpus input through a target the way the test suites replay corpora: whole, cut at a spread of
/// lengths, and with a fixed set of random byte changes, so a regression fails without fuzzing tools.
/// The test projects compile this file in together with the targets.
/// </summary>
public static class CorpusReplay
{
    /// <summary>Mutations per input: enough to reach past the first check, few enough to keep the suite fast.</summary>
    public const int Mutations = 300;

    public static void WholeTruncatedAndMutated(byte[] input, Action<byte[]> target, int randomSeed)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(target);
        target(input);
        for (int length = 0; length < input.Length; length += 1 + (length / 64))
        {
            target(input[..length]);
        }

        var random = new Random(randomSeed);
        for (int i = 0; i < Mutations && input.Length > 0; i++)
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
