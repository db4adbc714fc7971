using Sluice.Core.Policy;

namespace Sluice.Core.Approvals;

/// <summary>
/// One request to run a held statement, and its decision. Immutable: every change of state is a new record,
/// persisted as a whole.
/// </summary>
/// <param name="Id">"R-" and eight Crockford base32 characters, e.g. "R-7K2M9QXA".</param>
/// <param name="ExpiresAt">A request still pending at this instant becomes Expired.</param>
/// <param name="GrantExpiresAt">Set on approval: the grant is usable until then.</param>
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
    ApprovalMode Mode,
    DateTimeOffset CreatedAt,
    DateTimeOffset ExpiresAt,
    ApprovalStatus Status,
    string? DecidedBy,
    DateTimeOffset? DecidedAt,
    string? DecisionReason,
    DateTimeOffset? GrantExpiresAt);
