using Sluice.Core.Configuration;

namespace Sluice.Core.Policy;

/// <summary>
/// The configured guardrails, compiled once: globs and patterns are prepared here, and each rolling-window
/// rule gets one counter shared by every session, so an identity's volume adds up across connections.
/// </summary>
public sealed class GuardrailPolicy
{
    private readonly GuardrailRule[] _rules;
    private readonly Dictionary<string, RollingVolume> _windows = new(StringComparer.Ordinal);

    public GuardrailPolicy(PolicyConfig config)
        : this(config, TimeProvider.System)
    {
    }

    public GuardrailPolicy(PolicyConfig config, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(time);

        DenyUnknown = config.DenyUnknown;
        _rules = [.. config.Rules.Select(r => new GuardrailRule(r))];
        foreach (var rule in _rules)
        {
            if (rule.Approval is { IsWindowVolume: true } approval)
            {
                _windows.Add(rule.Name, new RollingVolume(
                    rule.Name,
                    approval.RowsPerWindow,
                    approval.BytesPerWindow,
                    approval.Window!.Value,
                    approval.Mode,
                    time,
                    approval.Timeout));
            }
        }
    }

    /// <summary>No rules; statements the classifier could not understand are still refused.</summary>
    public static GuardrailPolicy AllowAll { get; } = new(new PolicyConfig());

    public bool DenyUnknown { get; }

    /// <summary>The rules that apply to one principal, in file order, for the life of its session.</summary>
    public GuardrailScope ForPrincipal(string subject, IReadOnlyList<string> groups)
    {
        ArgumentNullException.ThrowIfNull(subject);
        ArgumentNullException.ThrowIfNull(groups);

        var matching = new List<GuardrailRule>();
        VolumeLimit? perStatement = null;
        RollingVolume? window = null;
        foreach (var rule in _rules)
        {
            if (!rule.AppliesTo(subject, groups))
            {
                continue;
            }

            if (rule.HasMatchers)
            {
                matching.Add(rule);
            }
            else if (rule.Approval is { IsPerStatementVolume: true } approval)
            {
                perStatement ??= new VolumeLimit(
                    rule.Name, approval.Rows, approval.Bytes, approval.Mode, approval.Timeout);
            }
            else if (rule.Approval is { IsWindowVolume: true })
            {
                window ??= _windows[rule.Name];
            }
        }

        return new GuardrailScope([.. matching], DenyUnknown, perStatement, window);
    }
}
