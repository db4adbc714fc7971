using Sluice.Core.Approvals;
using Sluice.Core.Identity;

namespace Sluice.Host.Admin;

/// <summary>
/// What the admin API needs from the approval service. <see cref="ApprovalService"/> is sealed, so the API
/// talks to it through this seam; tests hand the server an in-memory implementation instead.
/// </summary>
internal interface IApprovalDecisions
{
    ApprovalRequest Approve(string id, Principal approver, string? reason);

    ApprovalRequest Deny(string id, Principal approver, string? reason);

    IReadOnlyList<ApprovalRequest> List(ApprovalStatus? status);

    ApprovalRequest? Find(string id);
}
