using Sluice.Masking;
using System.Globalization;
using System.Text;
using YamlDotNet.RepresentationModel;

namespace Sluice.Core.Configuration;

internal sealed partial class ConfigBinder
{
    /// <summary>Shorter keys make pseudonyms guessable by brute force over likely inputs.</summary>
    private const int MinPseudonymKeyBytes = 32;

    private static readonly string[] MaskingKeys = ["pseudonym_key", "rules"];

    private static readonly string[] MaskingRuleKeys =
    [
        "name", "identities", "groups", "schema", "table", "column", "column_name", "detector", "derived",
        "strategy",
    ];

    private MaskingConfig BindMasking(YamlNode node)
    {
        var map = Map(node, "'masking'", MaskingKeys);
        var rules = map.Find("rules") is { } sequence ? BindMaskingRules(sequence) : [];
        return new MaskingConfig
        {
            PseudonymKey = map.Find("pseudonym_key") is { } key ? BindPseudonymKey(key) : null,
            Rules = [.. rules.Select(r => r.Rule)],
            RuleLines = [.. rules.Select(r => r.Line)],
        };
    }

    private Secret BindPseudonymKey(YamlNode node)
    {
        var key = BindSecret(node, "pseudonym_key");
        var length = Encoding.UTF8.GetByteCount(key.Reveal());

        // Secrets that were deliberately left unread are empty; only a value actually read can be too short.
        if (length < MinPseudonymKeyBytes && !(_environment is null && length == 0))
        {
            throw Error(
                node,
                $"'pseudonym_key' from {key.Origin} is {length.ToString(CultureInfo.InvariantCulture)} bytes; " +
                $"it must be at least {MinPseudonymKeyBytes} bytes (for example 64 hex characters from " +
                "'openssl rand -hex 32'), or leave it out to have one generated into the data directory");
        }

        return key;
    }

    private List<(MaskRule Rule, int Line)> BindMaskingRules(YamlNode node)
    {
        var rules = new List<(MaskRule Rule, int Line)>();
        foreach (var item in Sequence(node, "rules").Children)
        {
            rules.Add(BindMaskingRule(item, rules));
        }

        return rules;
    }

    private (MaskRule Rule, int Line) BindMaskingRule(YamlNode node, List<(MaskRule Rule, int Line)> earlier)
    {
        var map = Map(node, "a masking rule", MaskingRuleKeys);
        var nameNode = map.Require("name");
        var name = ScalarText(nameNode, "name");
        if (earlier.Exists(r => r.Rule.Name == name))
        {
            throw Error(nameNode, $"masking rule name '{name}' is used twice; names must be unique");
        }

        var what = $"masking rule '{name}'";
        var derived = map.Bool("derived", false);
        CheckMaskingMatchers(map, what, derived);

        var (schema, table) = ReadMaskedTable(map);
        var detectorNode = map.Find("detector");
        var detector = detectorNode is null ? (DetectorKind?)null : ReadDetector(detectorNode);
        var (strategyNode, strategy) = ReadRuleStrategy(map, what);
        if (detector is not null && strategy.Name == MaskStrategyKind.Clear)
        {
            throw Error(
                strategyNode,
                $"{what} finds sensitive text with a detector, so 'clear' would reveal exactly what it found; " +
                "pick a masking strategy such as redact or keep_last, or remove the rule");
        }

        var rule = new MaskRule
        {
            Name = name,
            Identities = YamlMap.Values(map.Names("identities", required: false, allowScalar: true)),
            Groups = YamlMap.Values(map.Names("groups", required: false, allowScalar: true)),
            Schema = schema,
            Table = table,
            Column = map.OptionalString("column"),
            ColumnNamePattern = map.OptionalString("column_name"),
            Detector = detector,
            Derived = derived,
            Strategy = new MaskStrategy(strategy.Name, strategy.Keep, strategy.FixedValue),
        };
        return (rule, (int)node.Start.Line);
    }

    /// <summary>
    /// A rule has exactly one way of picking columns: provenance (table and column), a column-name glob,
    /// a content detector, or derived columns (optionally narrowed by a column-name glob).
    /// </summary>
    private void CheckMaskingMatchers(YamlMap map, string what, bool derived)
    {
        var provenance = Present(map, "schema", "table", "column");
        var columnName = map.Find("column_name");
        var detector = map.Find("detector");

        if (derived)
        {
            if (Latest([.. provenance, detector]) is { } conflict)
            {
                throw Error(
                    conflict,
                    $"{what} sets 'derived: true', which matches computed columns that come from no table; " +
                    "remove 'schema', 'table', 'column' and 'detector' from it, or make them a separate rule");
            }

            return;
        }

        var kinds = new List<string>(3);
        if (provenance.Count > 0)
        {
            kinds.Add("table and column");
        }

        if (columnName is not null)
        {
            kinds.Add("column_name");
        }

        if (detector is not null)
        {
            kinds.Add("detector");
        }

        if (kinds.Count == 0)
        {
            throw Error(
                map.Node,
                $"{what} has no matcher; give it 'table' and 'column', 'column_name', 'detector', " +
                "or 'derived: true' to say which columns it masks");
        }

        if (kinds.Count > 1)
        {
            throw Error(
                Latest([.. provenance, columnName, detector])!,
                $"{what} mixes matchers ({string.Join(", ", kinds)}); use exactly one of 'table' with 'column', " +
                "'column_name', 'detector' or 'derived: true', and split the rest into separate rules");
        }

        CheckProvenanceComplete(map, what);
    }

    private void CheckProvenanceComplete(YamlMap map, string what)
    {
        var table = map.Find("table");
        var column = map.Find("column");
        if (column is not null && table is null)
        {
            throw Error(
                column,
                $"{what} sets 'column' without 'table'; add the table it comes from, or use 'column_name' " +
                "to match result columns by name wherever they come from");
        }

        if (table is not null && column is null)
        {
            throw Error(table, $"{what} sets 'table' without 'column'; add 'column', or column: \"*\" for all of them");
        }

        if (map.Find("schema") is { } schema && table is null)
        {
            throw Error(schema, $"{what} sets 'schema' without 'table' and 'column'; add both");
        }
    }

    /// <summary>Reads 'table', splitting "schema.table"; the schema may instead come from its own key.</summary>
    private (string? Schema, string? Table) ReadMaskedTable(YamlMap map)
    {
        var schema = map.OptionalString("schema");
        if (map.Find("table") is not { } tableNode)
        {
            return (schema, null);
        }

        var table = ScalarText(tableNode, "table");
        var dot = table.IndexOf('.');
        if (dot < 0)
        {
            return (schema, table);
        }

        if (dot == 0 || dot == table.Length - 1 || table.IndexOf('.', dot + 1) >= 0)
        {
            throw Error(tableNode, $"'table' must be a table name or schema.table, not '{table}'");
        }

        if (schema is not null)
        {
            throw Error(
                tableNode,
                $"'table' names schema '{table[..dot]}' and 'schema' names '{schema}'; give the schema only once");
        }

        return (table[..dot], table[(dot + 1)..]);
    }

    private static List<YamlNode> Present(YamlMap map, params string[] keys)
    {
        var nodes = new List<YamlNode>(keys.Length);
        foreach (var key in keys)
        {
            if (map.Find(key) is { } node)
            {
                nodes.Add(node);
            }
        }

        return nodes;
    }

    /// <summary>The node written last in the file: the one that turned a valid rule into an invalid one.</summary>
    private static YamlNode? Latest(IEnumerable<YamlNode?> nodes)
    {
        YamlNode? latest = null;
        foreach (var node in nodes)
        {
            if (node is not null && (latest is null || node.Start.Index > latest.Start.Index))
            {
                latest = node;
            }
        }

        return latest;
    }
}
