namespace Sluice.Core.Approvals;

/// <summary>Where an approval request stands.</summary>
public enum ApprovalStatus
{
    /// <summary>Waiting for an approver.</summary>
    Pending,

    /// <summary>Approved: a single-use grant, usable until <see cref="ApprovalRequest.GrantExpiresAt"/>.</summary>
    Approved,

    /// <summary>Refused by an approver.</summary>
    Denied,

    /// <summary>Nobody decided in time, or an approved grant was not used in time.</summary>
    Expired,

    /// <summary>The grant was spent on one run of the statement.</summary>
    Used,
}
