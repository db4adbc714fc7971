using System.Text;
using System.Text.RegularExpressions;
using Sluice.Core.Configuration;
using Sluice.Core.Sql;

namespace Sluice.Core.Policy;

/// <summary>
/// One configured rule with its globs and regular expression compiled, ready to test statements.
/// Matchers combine with AND; the description of what matched becomes the decision's reason.
/// </summary>
internal sealed class GuardrailRule
{
    /// <summary>Bounds a pathological pattern; the rule's fail-safe answer is used when it runs out.</summary>
    internal static readonly TimeSpan PatternTimeout = TimeSpan.FromMilliseconds(100);

    // Unqualified names resolve through the search path; these are where the default one finds them.
    private const string DefaultRelationSchema = "public";
    private const string DefaultFunctionSchema = "pg_catalog";

    private readonly HashSet<string> _identities;
    private readonly HashSet<string> _groups;
    private readonly HashSet<StatementClass> _classes;
    private readonly NameGlob[] _relations;
    private readonly NameGlob[] _functions;
    private readonly string[] _settings;
    private readonly bool _copyProgram;
    private readonly bool _writeWithoutWhere;
    private readonly Regex? _pattern;

    public GuardrailRule(PolicyRuleConfig config)
    {
        Name = config.Name;
        Kind = config.Kind;
        Approval = config.Approval;
        _identities = new HashSet<string>(config.Identities, StringComparer.Ordinal);
        _groups = new HashSet<string>(config.Groups, StringComparer.Ordinal);

        var match = config.Match;
        HasMatchers = !match.IsEmpty;
        _classes = [.. match.Classes];
        _relations = [.. match.Relations.Select(p => new NameGlob(p))];
        _functions = [.. match.Functions.Select(p => new NameGlob(p))];
        _settings = [.. match.Settings];
        _copyProgram = match.CopyProgram;
        _writeWithoutWhere = match.WriteWithoutWhere;
        _pattern = match.Pattern is null ? null : CreatePattern(match.Pattern);
    }

    public string Name { get; }

    public PolicyRuleKind Kind { get; }

    public PolicyApprovalConfig? Approval { get; }

    /// <summary>False for volume-only approval rules, which never match a statement by its text.</summary>
    public bool HasMatchers { get; }

    /// <summary>The same construction the loader uses to reject an invalid pattern.</summary>
    internal static Regex CreatePattern(string pattern) =>
        new(pattern, RegexOptions.CultureInvariant, PatternTimeout);

    public bool AppliesTo(string subject, IReadOnlyList<string> groups)
    {
        if (_identities.Count == 0 && _groups.Count == 0)
        {
            return true;
        }

        if (_identities.Contains(subject))
        {
            return true;
        }

        foreach (var group in groups)
        {
            if (_groups.Contains(group))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Says what matched ("function pg_read_file"), or null when some matcher did not.</summary>
    public string? Match(SqlStatement statement)
    {
        if (!HasMatchers)
        {
            return null;
        }

        // Built only once a matcher matches; most rules never match most statements.
        StringBuilder? what = null;
        if (_classes.Count > 0 && !MatchClass(statement, ref what))
        {
            return null;
        }

        if (_relations.Length > 0
            && !MatchName(_relations, statement.Relations, DefaultRelationSchema, "relation", ref what))
        {
            return null;
        }

        if (_functions.Length > 0
            && !MatchName(_functions, statement.Functions, DefaultFunctionSchema, "function", ref what))
        {
            return null;
        }

        if (_settings.Length > 0 && !MatchSetting(statement, ref what))
        {
            return null;
        }

        if (_copyProgram && !MatchCopyProgram(statement, ref what))
        {
            return null;
        }

        if (_writeWithoutWhere && !MatchWriteWithoutWhere(statement, ref what))
        {
            return null;
        }

        if (_pattern is not null && !MatchPattern(statement, ref what))
        {
            return null;
        }

        return what?.ToString();
    }

    private bool MatchClass(SqlStatement statement, ref StringBuilder? what)
    {
        if (!_classes.Contains(statement.Class))
        {
            return false;
        }

        Append(ref what, "statement class " + StatementClassNames.Name(statement.Class));
        return true;
    }

    private static bool MatchName(
        NameGlob[] globs, IReadOnlyList<SqlName> names, string defaultSchema, string noun, ref StringBuilder? what)
    {
        foreach (var name in names)
        {
            foreach (var glob in globs)
            {
                if (glob.Matches(name, defaultSchema))
                {
                    var written = name.Schema is null ? name.Name : $"{name.Schema}.{name.Name}";
                    Append(ref what, $"{noun} {written}");
                    return true;
                }
            }
        }

        return false;
    }

    /// <summary>RESET ALL and DISCARD ALL touch every setting, so they match any guarded one.</summary>
    private bool MatchSetting(SqlStatement statement, ref StringBuilder? what)
    {
        if (statement.Setting is not { } setting)
        {
            return false;
        }

        var all = string.Equals(setting, "all", StringComparison.OrdinalIgnoreCase);
        foreach (var glob in _settings)
        {
            if (all || NameGlob.Matches(glob, setting))
            {
                Append(ref what, $"setting {setting}");
                return true;
            }
        }

        return false;
    }

    private static bool MatchCopyProgram(SqlStatement statement, ref StringBuilder? what)
    {
        if (statement.Class != StatementClass.Copy || !CopyTarget.IsServerSide(statement.Text))
        {
            return false;
        }

        Append(ref what, "COPY to or from a program or server file");
        return true;
    }

    private static bool MatchWriteWithoutWhere(SqlStatement statement, ref StringBuilder? what)
    {
        if (!statement.IsWriteWithoutWhere)
        {
            return false;
        }

        var keyword = string.IsNullOrEmpty(statement.Keyword)
            ? "UPDATE or DELETE"
            : statement.Keyword.ToUpperInvariant();
        Append(ref what, $"{keyword} without WHERE");
        return true;
    }

    /// <summary>A search that runs out of time matches for deny and approval rules, never for allow.</summary>
    private bool MatchPattern(SqlStatement statement, ref StringBuilder? what)
    {
        bool matched;
        try
        {
            matched = _pattern!.IsMatch(statement.Text);
        }
        catch (RegexMatchTimeoutException)
        {
            matched = Kind != PolicyRuleKind.Allow;
        }

        if (matched)
        {
            Append(ref what, "statement text matching the rule's pattern");
        }

        return matched;
    }

    private static void Append(ref StringBuilder? what, string part)
    {
        if (what is null)
        {
            what = new StringBuilder(part);
            return;
        }

        what.Append(" and ").Append(part);
    }
}
