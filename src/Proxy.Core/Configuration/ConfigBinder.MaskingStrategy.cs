using Sluice.Masking;
using YamlDotNet.RepresentationModel;

namespace Sluice.Core.Configuration;

internal sealed partial class ConfigBinder
{
    private const string StrategyChoices =
        "clear, redact, null, pseudonym, keep_email_domain, keep_last, { keep_last: N } or { fixed: \"text\" }";

    private static readonly string DetectorChoices =
        string.Join(", ", Enum.GetValues<DetectorKind>().Select(Detectors.ConfigName));

    private static readonly string[] StrategyMappingKeys = ["keep_last", "fixed"];

    /// <summary>Reads the rule's strategy, returning its node too so later checks can point at it.</summary>
    private (YamlNode Node, MaskingStrategy Strategy) ReadRuleStrategy(YamlMap map, string what)
    {
        // A plain "null" is YAML's empty value, which the map treats as unset; here it names a strategy.
        if (map.FindRaw("strategy") is YamlScalarNode { Value: "null" } nullNode)
        {
            return (nullNode, new MaskingStrategy(MaskStrategyKind.Null));
        }

        var node = map.Require("strategy");
        return (node, ReadStrategy(node, what));
    }

    private MaskingStrategy ReadStrategy(YamlNode node, string what)
    {
        if (node is YamlScalarNode)
        {
            var text = ScalarText(node, "strategy");
            return text switch
            {
                "clear" => new MaskingStrategy(MaskStrategyKind.Clear),
                "redact" => new MaskingStrategy(MaskStrategyKind.Redact),
                "null" => new MaskingStrategy(MaskStrategyKind.Null),
                "pseudonym" => new MaskingStrategy(MaskStrategyKind.Pseudonym),
                "keep_email_domain" => new MaskingStrategy(MaskStrategyKind.KeepEmailDomain),
                "keep_last" => new MaskingStrategy(MaskStrategyKind.KeepLast),
                "fixed" => throw Error(
                    node,
                    $"strategy 'fixed' of {what} needs the replacement text; write strategy: {{ fixed: \"n/a\" }}"),
                _ => throw Error(node, $"unknown strategy '{text}' in {what}; use one of {StrategyChoices}"),
            };
        }

        var map = Map(node, $"the strategy of {what}", StrategyMappingKeys);
        if (map.Node.Children.Count != 1)
        {
            throw Error(node, $"the strategy of {what} takes exactly one of keep_last or fixed");
        }

        if (map.FindRaw("keep_last") is not null)
        {
            return new MaskingStrategy(
                MaskStrategyKind.KeepLast, Keep: ReadInt(map.Require("keep_last"), "keep_last", 1, 64));
        }

        var fixedText = ScalarText(map.Require("fixed"), "fixed");
        return new MaskingStrategy(MaskStrategyKind.Fixed, FixedValue: fixedText);
    }

    /// <summary>A detector by the name the engine gives it (one list of names, the engine's).</summary>
    private DetectorKind ReadDetector(YamlNode node)
    {
        var text = ScalarText(node, "detector");
        return Detectors.TryParse(text, out var kind) && Detectors.ConfigName(kind) == text
            ? kind
            : throw Error(node, $"unknown detector '{text}'; use one of {DetectorChoices}");
    }

    /// <summary>A strategy as read from the file; <see cref="Keep"/> matters only for keep_last.</summary>
    private readonly record struct MaskingStrategy(
        MaskStrategyKind Name, int Keep = 4, string? FixedValue = null);
}
