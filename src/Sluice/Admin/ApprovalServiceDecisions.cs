using Sluice.Core.Approvals;
using Sluice.Core.Identity;

namespace Sluice.Host.Admin;

/// <summary>Passes the admin API's calls straight to the gateway's <see cref="ApprovalService"/>.</summary>
internal sealed class ApprovalServiceDecisions(ApprovalService service) : IApprovalDecisions
{
    public ApprovalRequest Approve(string id, Principal approver, string? reason) =>
        service.Approve(id, approver, reason);

    public ApprovalRequest Deny(string id, Principal approver, string? reason) => service.Deny(id, approver, reason);

    public IReadOnlyList<ApprovalRequest> List(ApprovalStatus? status) => service.List(status);

    public ApprovalRequest? Find(string id) => service.Find(id);
}
