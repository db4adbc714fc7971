namespace Sluice.Core.Policy;

/// <summary>What the guardrails decide for one statement.</summary>
public enum PolicyEffect
{
    Allow,
    Deny,
    RequireApproval,
}
