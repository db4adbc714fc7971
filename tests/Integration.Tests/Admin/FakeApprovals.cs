using Sluice.Core.Approvals;
using Sluice.Core.Identity;
using Sluice.Core.Policy;
using Sluice.Host.Admin;

namespace Sluice.IntegrationTests.Admin;

/// <summary>
/// In-memory approval requests with the real service's rules for deciding: only a pending request can be
/// decided, and deciding it again is refused with an <see cref="ApprovalException"/>.
/// </summary>
internal sealed class FakeApprovals : IApprovalDecisions
{
    private readonly Dictionary<string, ApprovalRequest> _requests = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    public static readonly DateTimeOffset Created = DateTimeOffset.UtcNow.AddMinutes(-3);

    public ApprovalRequest Add(
        string id, string subject, string statement, ApprovalStatus status = ApprovalStatus.Pending)
    {
        var request = new ApprovalRequest(
            id, "session-" + id, subject, ["developers"], "demo", statement, "fp-" + id, "big-deletes",
            "DELETE without WHERE", ApprovalMode.Ticket, Created, Created.AddHours(1), status,
            null, null, null, null);
        lock (_gate)
        {
            _requests[id] = request;
        }

        return request;
    }

    public ApprovalRequest Approve(string id, Principal approver, string? reason) =>
        Decide(id, approver, reason, ApprovalStatus.Approved);

    public ApprovalRequest Deny(string id, Principal approver, string? reason) =>
        Decide(id, approver, reason, ApprovalStatus.Denied);

    public IReadOnlyList<ApprovalRequest> List(ApprovalStatus? status)
    {
        lock (_gate)
        {
            return [.. _requests.Values.Where(r => status is null || r.Status == status).OrderBy(r => r.Id)];
        }
    }

    public ApprovalRequest? Find(string id)
    {
        lock (_gate)
        {
            return _requests.GetValueOrDefault(id);
        }
    }

    private ApprovalRequest Decide(string id, Principal approver, string? reason, ApprovalStatus outcome)
    {
        lock (_gate)
        {
            var request = _requests.GetValueOrDefault(id) ?? throw new ApprovalException($"no request '{id}'");
            if (request.Status != ApprovalStatus.Pending)
            {
                throw new ApprovalException(
                    $"request '{id}' is {request.Status.ToString().ToLowerInvariant()}, not pending");
            }

            var now = DateTimeOffset.UtcNow;
            var decided = request with
            {
                Status = outcome,
                DecidedBy = approver.Subject,
                DecidedAt = now,
                DecisionReason = reason,
                GrantExpiresAt = outcome == ApprovalStatus.Approved ? now.AddMinutes(15) : null,
            };
            _requests[id] = decided;
            return decided;
        }
    }
}
