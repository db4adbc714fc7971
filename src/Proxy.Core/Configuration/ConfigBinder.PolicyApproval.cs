using System.Globalization;
using Sluice.Core.Policy;
using YamlDotNet.RepresentationModel;

namespace Sluice.Core.Configuration;

internal sealed partial class ConfigBinder
{
    private const string ApprovalHint =
        "give it 'relations' or 'classes', 'rows' or 'bytes' per statement, or 'rows_per_window' or " +
        "'bytes_per_window' with 'window'";

    private static readonly string[] ApprovalKeys =
    [
        "relations", "classes", "rows", "bytes", "rows_per_window", "bytes_per_window", "window", "mode", "timeout",
    ];

    /// <summary>
    /// An approval rule is triggered one way: by what a statement touches (relations, classes), by what one
    /// statement returns (rows, bytes), or by what an identity read over a rolling window.
    /// </summary>
    private (PolicyMatchConfig Match, PolicyApprovalConfig Approval) BindApproval(YamlNode node, string what)
    {
        if (IsNull(node))
        {
            throw Error(node, $"{what} requires approval for nothing; {ApprovalHint}");
        }

        var map = Map(node, $"the require_approval block of {what}", ApprovalKeys);
        var matchers = Present(map, "relations", "classes");
        var perStatement = Present(map, "rows", "bytes");
        var perWindow = Present(map, "rows_per_window", "bytes_per_window");
        var windowNode = map.Find("window");
        CheckApprovalKinds(map, what, matchers, perStatement, perWindow, windowNode);

        var match = new PolicyMatchConfig
        {
            Classes = ReadClasses(map, what),
            Relations = ReadNameGlobs(map, "relations", what),
        };

        var approval = new PolicyApprovalConfig
        {
            Mode = map.Find("mode") is { } mode ? ReadApprovalMode(mode, what) : ApprovalMode.Wait,
            Timeout = map.Find("timeout") is { } timeout ? ReadPositiveDuration(timeout, "timeout", what)
                : TimeSpan.FromMinutes(5),
            Rows = map.Find("rows") is { } rows ? ReadCount(rows, "rows") : null,
            Bytes = map.Find("bytes") is { } bytes ? ReadSize(bytes, "bytes", 1, long.MaxValue) : null,
            RowsPerWindow = map.Find("rows_per_window") is { } wr ? ReadCount(wr, "rows_per_window") : null,
            BytesPerWindow = map.Find("bytes_per_window") is { } wb
                ? ReadSize(wb, "bytes_per_window", 1, long.MaxValue)
                : null,
            Window = windowNode is null ? null : ReadPositiveDuration(windowNode, "window", what),
        };

        return (match, approval);
    }

    private void CheckApprovalKinds(
        YamlMap map, string what, List<YamlNode> matchers, List<YamlNode> perStatement, List<YamlNode> perWindow,
        YamlNode? windowNode)
    {
        if (perWindow.Count > 0 && windowNode is null)
        {
            throw Error(
                perWindow[0],
                $"{what} counts volume per window but has no 'window'; add its length, such as window: 1h");
        }

        if (windowNode is not null && perWindow.Count == 0)
        {
            throw Error(
                windowNode,
                $"{what} sets 'window' without 'rows_per_window' or 'bytes_per_window'; add a threshold for it");
        }

        var kinds = new List<string>(3);
        if (matchers.Count > 0)
        {
            kinds.Add("relations or classes");
        }

        if (perStatement.Count > 0)
        {
            kinds.Add("rows or bytes per statement");
        }

        if (perWindow.Count > 0)
        {
            kinds.Add("volume per window");
        }

        if (kinds.Count == 0)
        {
            throw Error(map.Node, $"{what} requires approval for nothing; {ApprovalHint}");
        }

        if (kinds.Count > 1)
        {
            throw Error(
                Latest([.. matchers, .. perStatement, .. perWindow])!,
                $"{what} mixes {string.Join(", ", kinds)}; use one of them per rule and split the rest into " +
                "separate rules");
        }
    }

    private ApprovalMode ReadApprovalMode(YamlNode node, string what)
    {
        var text = ScalarText(node, "mode");
        return text switch
        {
            "wait" => ApprovalMode.Wait,
            "ticket" => ApprovalMode.Ticket,
            _ => throw Error(node, $"unknown approval mode '{text}' in {what}; use wait or ticket"),
        };
    }

    private TimeSpan ReadPositiveDuration(YamlNode node, string key, string what)
    {
        var duration = ReadDuration(node, key);
        if (duration <= TimeSpan.Zero)
        {
            throw Error(node, $"'{key}' of {what} must be longer than zero");
        }

        return duration;
    }

    /// <summary>A row count: a whole number of at least 1.</summary>
    private long ReadCount(YamlNode node, string key)
    {
        var text = ScalarText(node, key);
        if (!long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value))
        {
            throw Error(node, $"'{key}' must be a whole number of rows, such as 5000, not '{text}'");
        }

        if (value < 1)
        {
            throw Error(node, $"'{key}' is {text}; use at least 1");
        }

        return value;
    }
}
