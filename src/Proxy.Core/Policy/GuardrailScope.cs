using Sluice.Core.Configuration;
using Sluice.Core.Sql;

namespace Sluice.Core.Policy;

/// <summary>
/// The guardrails of one principal. <see cref="Evaluate"/> judges a statement before it is sent; the volume
/// limits are for the relay to check while results flow back, and apply to every statement of the
/// principal whatever <see cref="Evaluate"/> said.
/// </summary>
public sealed class GuardrailScope
{
    /// <summary>Named in refusals of statements the classifier could not understand.</summary>
    public const string UnknownStatementRule = "unknown-statement";

    private readonly GuardrailRule[] _rules;
    private readonly bool _denyUnknown;

    internal GuardrailScope(GuardrailRule[] rules, bool denyUnknown, VolumeLimit? perStatement, RollingVolume? window)
    {
        _rules = rules;
        _denyUnknown = denyUnknown;
        PerStatementVolume = perStatement;
        WindowVolume = window;
    }

    /// <summary>The first per-statement volume rule that applies to the principal, if any.</summary>
    public VolumeLimit? PerStatementVolume { get; }

    /// <summary>The first rolling-window rule that applies to the principal, if any.</summary>
    public RollingVolume? WindowVolume { get; }

    /// <summary>
    /// Walks the rules in order: the first matching deny or approval rule decides, and a matching allow
    /// rule ends the walk with the statement allowed. With no match, an unknown statement is denied unless
    /// deny_unknown is off; anything else is allowed.
    /// </summary>
    public PolicyDecision Evaluate(SqlStatement statement)
    {
        ArgumentNullException.ThrowIfNull(statement);

        foreach (var rule in _rules)
        {
            if (rule.Match(statement) is not { } what)
            {
                continue;
            }

            switch (rule.Kind)
            {
                case PolicyRuleKind.Allow:
                    return new PolicyDecision(PolicyEffect.Allow, rule.Name, $"{what} is allowed by rule {rule.Name}");
                case PolicyRuleKind.Deny:
                    return new PolicyDecision(PolicyEffect.Deny, rule.Name, $"{what} is denied by rule {rule.Name}");
                default:
                    var approval = rule.Approval!;
                    return new PolicyDecision(
                        PolicyEffect.RequireApproval,
                        rule.Name,
                        $"{what} requires approval by rule {rule.Name}",
                        approval.Mode,
                        approval.Timeout);
            }
        }

        if (statement.Class == StatementClass.Unknown && _denyUnknown)
        {
            return new PolicyDecision(
                PolicyEffect.Deny,
                UnknownStatementRule,
                $"a statement the gateway cannot classify is denied by rule {UnknownStatementRule}");
        }

        return PolicyDecision.Allowed;
    }
}
