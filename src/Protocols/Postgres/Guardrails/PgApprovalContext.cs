using Sluice.Core.Approvals;
using Sluice.Core.Identity;

namespace Sluice.Protocols.Postgres;

/// <summary>Who asks, on which connection and session, and the service that holds their requests.</summary>
internal sealed record PgApprovalContext(ApprovalService Service, Principal Principal, string Connection, string SessionId);
