namespace Sluice.Core.Approvals;

/// <summary>Where an approval request stands.</summary>
public enum ApprovalStatus
{
    Pending,
    Approved,
    Denied,
    Expired,
    Used,
}

/// <summary>A statement held for an approver's decision.</summary>
public sealed record ApprovalRequest(
    string Id,
    string SessionId,
    string Subject,
    IReadOnlyList<string> Groups,
    string Connection,
    string Statement,
    string Fingerprint,
    string RuleName,
    string Reason,
    Sluice.Core.Policy.ApprovalMode Mode,
    DateTimeOffset CreatedAt,
    DateTimeOffset ExpiresAt,
    ApprovalStatus Status,
    string? DecidedBy,
    DateTimeOffset? DecidedAt,
    string? DecisionReason,
    DateTimeOffset? GrantExpiresAt);

/// <summary>A decision the approval service refuses, such as deciding a request twice.</summary>
public sealed class ApprovalException(string message) : Exception(message);

/// <summary>Placeholder with the real service's public shape, so the admin API compiles before it lands.</summary>
public sealed class ApprovalService
{
    public ApprovalRequest Approve(string id, Sluice.Core.Identity.Principal approver, string? reason) =>
        throw new NotImplementedException();

    public ApprovalRequest Deny(string id, Sluice.Core.Identity.Principal approver, string? reason) =>
        throw new NotImplementedException();

    public IReadOnlyList<ApprovalRequest> List(ApprovalStatus? status = null) => throw new NotImplementedException();

    public ApprovalRequest? Find(string id) => throw new NotImplementedException();
}
