using System.Security.Cryptography;

namespace Sluice.Core.Approvals;

/// <summary>
/// Request ids: short enough to type into a chat command, random enough (40 bits from a CSPRNG) that nobody
/// guesses one. Crockford's alphabet leaves out I, L, O and U so ids survive being read aloud.
/// </summary>
internal static class ApprovalId
{
    private const string Alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

    public static string New() => "R-" + RandomNumberGenerator.GetString(Alphabet, 8);

    /// <summary>True for ids this class could have made; also keeps file names derived from ids safe.</summary>
    public static bool IsWellFormed(string? id)
    {
        if (id is null || id.Length != 10 || !id.StartsWith("R-", StringComparison.Ordinal))
        {
            return false;
        }

        foreach (var c in id.AsSpan(2))
        {
            if (!Alphabet.Contains(c, StringComparison.Ordinal))
            {
                return false;
            }
        }

        return true;
    }
}
