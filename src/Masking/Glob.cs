namespace Sluice.Masking;

/// <summary>Case-insensitive glob matching with '*' (any run) and '?' (one character) on column names.</summary>
internal static class Glob
{
    internal static bool IsMatch(string pattern, string name)
    {
        int p = 0;
        int n = 0;
        int starPattern = -1;
        int starName = 0;
        while (n < name.Length)
        {
            if (p < pattern.Length && (pattern[p] == '?' || Same(pattern[p], name[n])))
            {
                p++;
                n++;
            }
            else if (p < pattern.Length && pattern[p] == '*')
            {
                starPattern = p++;
                starName = n;
            }
            else if (starPattern >= 0)
            {
                // Let the last '*' swallow one more character and retry from there.
                p = starPattern + 1;
                n = ++starName;
            }
            else
            {
                return false;
            }
        }

        while (p < pattern.Length && pattern[p] == '*')
        {
            p++;
        }

        return p == pattern.Length;
    }

    private static bool Same(char a, char b) => a == b || char.ToUpperInvariant(a) == char.ToUpperInvariant(b);
}
