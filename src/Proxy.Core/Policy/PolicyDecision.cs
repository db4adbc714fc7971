namespace Sluice.Core.Policy;

/// <summary>
/// The guardrails' verdict on one statement. <see cref="RuleName"/> and <see cref="Reason"/> are null only
/// when no rule had anything to say; <see cref="Mode"/> and <see cref="Timeout"/> matter only for
/// <see cref="PolicyEffect.RequireApproval"/>.
/// </summary>
public sealed record PolicyDecision(
    PolicyEffect Effect,
    string? RuleName,
    string? Reason,
    ApprovalMode Mode = ApprovalMode.Wait,
    TimeSpan Timeout = default)
{
    /// <summary>No rule objected.</summary>
    public static PolicyDecision Allowed { get; } = new(PolicyEffect.Allow, null, null);
}
