using Sluice.Core.Policy;
using YamlDotNet.RepresentationModel;

namespace Sluice.Core.Configuration;

internal sealed partial class ConfigBinder
{
    private const string MatcherHint =
        "give it one or more of classes, relations, functions, settings, copy_program, write_without_where or " +
        "pattern (a statement must match all of them)";

    private static readonly string[] PolicyKeys = ["rules", "deny_unknown"];

    private static readonly string[] PolicyRuleKeys =
        ["name", "identities", "groups", "deny", "allow", "require_approval"];

    private static readonly string[] PolicyEffectKeys = ["deny", "allow", "require_approval"];

    private static readonly string[] PolicyMatcherKeys =
        ["classes", "relations", "functions", "settings", "copy_program", "write_without_where", "pattern"];

    private PolicyConfig BindPolicy(YamlNode node)
    {
        var map = Map(node, "'policy'", PolicyKeys);
        return new PolicyConfig
        {
            Rules = map.Find("rules") is { } rules ? BindPolicyRules(rules) : [],
            DenyUnknown = map.Bool("deny_unknown", true),
        };
    }

    private List<PolicyRuleConfig> BindPolicyRules(YamlNode node)
    {
        var rules = new List<PolicyRuleConfig>();
        foreach (var item in Sequence(node, "rules").Children)
        {
            rules.Add(BindPolicyRule(item, rules));
        }

        return rules;
    }

    private PolicyRuleConfig BindPolicyRule(YamlNode node, List<PolicyRuleConfig> earlier)
    {
        var map = Map(node, "a policy rule", PolicyRuleKeys);
        var nameNode = map.Require("name");
        var name = ScalarText(nameNode, "name");
        if (name == GuardrailScope.UnknownStatementRule)
        {
            throw Error(
                nameNode,
                $"policy rule name '{name}' is reserved for the refusal of statements that cannot be classified; " +
                "pick another name");
        }

        if (earlier.Exists(r => r.Name == name))
        {
            throw Error(nameNode, $"policy rule name '{name}' is used twice; names must be unique");
        }

        var what = $"policy rule '{name}'";
        var (effectKey, effectNode) = ReadPolicyEffect(map, what);
        var kind = effectKey switch
        {
            "deny" => PolicyRuleKind.Deny,
            "allow" => PolicyRuleKind.Allow,
            _ => PolicyRuleKind.RequireApproval,
        };

        PolicyMatchConfig match;
        PolicyApprovalConfig? approval = null;
        if (kind == PolicyRuleKind.RequireApproval)
        {
            (match, approval) = BindApproval(effectNode, what);
        }
        else
        {
            match = BindMatchers(effectNode, $"the {effectKey} block of {what}", what);
        }

        return new PolicyRuleConfig
        {
            Name = name,
            Identities = YamlMap.Values(map.Names("identities", required: false, allowScalar: true)),
            Groups = YamlMap.Values(map.Names("groups", required: false, allowScalar: true)),
            Kind = kind,
            Match = match,
            Approval = approval,
            Line = (int)node.Start.Line,
        };
    }

    /// <summary>Finds the rule's one effect key; an empty block counts as written, to be reported as such.</summary>
    private (string Key, YamlNode Node) ReadPolicyEffect(YamlMap map, string what)
    {
        var found = new List<(string Key, YamlNode Node)>(1);
        foreach (var key in PolicyEffectKeys)
        {
            if (map.FindRaw(key) is { } value)
            {
                found.Add((key, value));
            }
        }

        if (found.Count == 0)
        {
            throw Error(map.Node, $"{what} needs exactly one of 'deny', 'allow' or 'require_approval'");
        }

        if (found.Count > 1)
        {
            var keys = string.Join(" and ", found.Select(f => $"'{f.Key}'"));
            throw Error(
                Latest(found.Select(f => f.Node))!,
                $"{what} has {keys}; a rule has exactly one effect, so split it into one rule per effect");
        }

        return found[0];
    }

    private PolicyMatchConfig BindMatchers(YamlNode node, string block, string what)
    {
        if (IsNull(node))
        {
            throw Error(node, $"{what} has no matcher; {MatcherHint}");
        }

        var map = Map(node, block, PolicyMatcherKeys);
        var match = new PolicyMatchConfig
        {
            Classes = ReadClasses(map, what),
            Relations = ReadNameGlobs(map, "relations", what),
            Functions = ReadNameGlobs(map, "functions", what),
            Settings = ReadPolicyNames(map, "settings", what),
            CopyProgram = ReadTrueOnly(map, "copy_program", what),
            WriteWithoutWhere = ReadTrueOnly(map, "write_without_where", what),
            Pattern = map.Find("pattern") is { } pattern ? ReadPattern(pattern, what) : null,
        };

        if (match.IsEmpty)
        {
            throw Error(node, $"{what} has no matcher; {MatcherHint}");
        }

        return match;
    }

    private List<Sql.StatementClass> ReadClasses(YamlMap map, string what)
    {
        var classes = new List<Sql.StatementClass>();
        foreach (var item in ReadPolicyNameNodes(map, "classes", what))
        {
            var text = item.Value!;
            if (!StatementClassNames.TryParse(text, out var value))
            {
                throw Error(
                    item, $"unknown statement class '{text}' in {what}; use one of {StatementClassNames.Choices}");
            }

            classes.Add(value);
        }

        return classes;
    }

    /// <summary>Relation and function globs: a name, or schema.name, each part non-empty.</summary>
    private List<string> ReadNameGlobs(YamlMap map, string key, string what)
    {
        var globs = new List<string>();
        foreach (var item in ReadPolicyNameNodes(map, key, what))
        {
            var text = item.Value!;
            var dot = text.IndexOf('.');
            if (dot == 0 || dot == text.Length - 1 || (dot > 0 && text.IndexOf('.', dot + 1) >= 0))
            {
                throw Error(item, $"'{key}' entry '{text}' in {what} must be a name or schema.name (globs allowed)");
            }

            globs.Add(text);
        }

        return globs;
    }

    private IReadOnlyList<string> ReadPolicyNames(YamlMap map, string key, string what) =>
        YamlMap.Values(ReadPolicyNameNodes(map, key, what));

    /// <summary>A list that is written must name something: an empty one would silently match nothing.</summary>
    private IReadOnlyList<YamlScalarNode> ReadPolicyNameNodes(YamlMap map, string key, string what)
    {
        var names = map.Names(key, required: false, allowScalar: true);
        if (names.Count == 0 && map.Find(key) is { } empty)
        {
            throw Error(empty, $"'{key}' in {what} must name at least one entry, or be left out");
        }

        foreach (var name in names)
        {
            ScalarText(name, key);
        }

        return names;
    }

    private bool ReadTrueOnly(YamlMap map, string key, string what)
    {
        if (map.Find(key) is not { } node)
        {
            return false;
        }

        if (!ReadBool(node, key))
        {
            throw Error(node, $"'{key}' in {what} only takes true; leave it out for the rule not to look at it");
        }

        return true;
    }

    private string ReadPattern(YamlNode node, string what)
    {
        var text = ScalarText(node, "pattern");
        try
        {
            GuardrailRule.CreatePattern(text);
        }
        catch (ArgumentException ex)
        {
            throw Error(
                node,
                $"'pattern' of {what} is not a valid .NET regular expression ({ex.Message}); fix it, and in a " +
                "double-quoted YAML string write each backslash twice");
        }

        return text;
    }
}
