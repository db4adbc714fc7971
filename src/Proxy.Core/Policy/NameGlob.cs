using Sluice.Core.Sql;

namespace Sluice.Core.Policy;

/// <summary>
/// A glob (<c>*</c> any run, <c>?</c> one character, case ignored) on a relation, function or setting name.
/// A glob with a dot matches "schema.name" part by part; without one it matches the name in any schema.
/// </summary>
internal sealed class NameGlob
{
    private readonly string? _schema;
    private readonly string _name;

    public NameGlob(string pattern)
    {
        Pattern = pattern;
        var dot = pattern.IndexOf('.');
        if (dot < 0)
        {
            _name = pattern;
        }
        else
        {
            _schema = pattern[..dot];
            _name = pattern[(dot + 1)..];
        }
    }

    public string Pattern { get; }

    /// <summary>
    /// Matches a name as the statement wrote it. An unqualified name is taken to live in
    /// <paramref name="defaultSchema"/>, where the default search path would find it; the settings
    /// guard on search_path is what keeps that assumption honest.
    /// </summary>
    public bool Matches(SqlName name, string defaultSchema)
    {
        if (!Matches(_name, name.Name))
        {
            return false;
        }

        return _schema is null || Matches(_schema, name.Schema ?? defaultSchema);
    }

    /// <summary>Iterative wildcard match with one backtrack point, linear in practice.</summary>
    internal static bool Matches(ReadOnlySpan<char> pattern, ReadOnlySpan<char> text)
    {
        int p = 0, t = 0, star = -1, resume = 0;
        while (t < text.Length)
        {
            if (p < pattern.Length && (pattern[p] == '?' || SameChar(pattern[p], text[t])))
            {
                p++;
                t++;
            }
            else if (p < pattern.Length && pattern[p] == '*')
            {
                star = p++;
                resume = t;
            }
            else if (star >= 0)
            {
                p = star + 1;
                t = ++resume;
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

    private static bool SameChar(char a, char b) =>
        a == b || char.ToUpperInvariant(a) == char.ToUpperInvariant(b);
}
