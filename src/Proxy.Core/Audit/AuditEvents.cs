using System.Text.Json;
using Sluice.Core.Approvals;
using Sluice.Core.Identity;

namespace Sluice.Core.Audit;

/// <summary>The audit event types Sluice writes, with their fields in one place.</summary>
public static class AuditEvents
{
    public static void SessionStarted(
        this AuditLog log, string sessionId, Principal principal, string listener, string connection,
        string clientAddress, string? clientUser, string? recordingPath)
    {
        log.Write("session.start", w =>
        {
            w.WriteString("session", sessionId);
            WritePrincipal(w, principal);
            w.WriteString("listener", listener);
            w.WriteString("connection", connection);
            w.WriteString("client", clientAddress);
            w.WriteString("client_user", clientUser);
            w.WriteString("recording", recordingPath);
        });
    }

    public static void SessionEnded(
        this AuditLog log, string sessionId, string subject, string connection, string reason,
        long statements, long rows, long bytesToClient, long maskedValues, string? recordingHash)
    {
        log.Write("session.end", w =>
        {
            w.WriteString("session", sessionId);
            w.WriteString("subject", subject);
            w.WriteString("connection", connection);
            w.WriteString("reason", reason);
            w.WriteNumber("statements", statements);
            w.WriteNumber("rows", rows);
            w.WriteNumber("bytes_to_client", bytesToClient);
            w.WriteNumber("masked_values", maskedValues);
            w.WriteString("recording_sha256", recordingHash);
        });
    }

    /// <summary>
    /// A session's recording could not be created or written; <paramref name="action"/> says what became of the
    /// session (refused, ended, or continued unrecorded), as the <c>recording.on_failure</c> setting decides.
    /// </summary>
    public static void RecordingFailed(
        this AuditLog log, string sessionId, string subject, string connection, string failure, string error,
        string action)
    {
        log.Write("recording.failed", w =>
        {
            w.WriteString("session", sessionId);
            w.WriteString("subject", subject);
            w.WriteString("connection", connection);
            w.WriteString("failure", failure);
            w.WriteString("error", error);
            w.WriteString("action", action);
        });
    }

    public static void StatementDenied(
        this AuditLog log, string sessionId, string subject, string connection, string rule, string reason,
        string? statementClass, string? fingerprint)
    {
        log.Write("statement.denied", w =>
        {
            w.WriteString("session", sessionId);
            w.WriteString("subject", subject);
            w.WriteString("connection", connection);
            w.WriteString("rule", rule);
            w.WriteString("reason", reason);
            w.WriteString("class", statementClass);
            w.WriteString("fingerprint", fingerprint);
        });
    }

    public static void AuthenticationFailed(
        this AuditLog log, string listener, string clientAddress, string? clientUser, AuthenticationFailure failure)
    {
        log.Write("auth.failure", w =>
        {
            w.WriteString("listener", listener);
            w.WriteString("client", clientAddress);
            w.WriteString("client_user", clientUser);
            w.WriteString("failure", failure.ToString());
        });
    }

    public static void AccessDenied(
        this AuditLog log, string listener, string clientAddress, Principal principal, string connection, string reason)
    {
        log.Write("access.denied", w =>
        {
            w.WriteString("listener", listener);
            w.WriteString("client", clientAddress);
            WritePrincipal(w, principal);
            w.WriteString("connection", connection);
            w.WriteString("reason", reason);
        });
    }

    /// <summary>
    /// One step in an approval's life: approval.requested, .approved, .denied, .expired or .used. Carries the
    /// statement so the trail of a decision says what was allowed without the approval state files.
    /// </summary>
    public static void Approval(this AuditLog log, string type, ApprovalRequest request)
    {
        log.Write(type, w =>
        {
            w.WriteString("approval", request.Id);
            w.WriteString("session", request.SessionId);
            w.WriteString("subject", request.Subject);
            w.WriteStartArray("groups");
            foreach (var group in request.Groups)
            {
                w.WriteStringValue(group);
            }

            w.WriteEndArray();
            w.WriteString("connection", request.Connection);
            w.WriteString("rule", request.RuleName);
            w.WriteString("reason", request.Reason);
            w.WriteString("mode", request.Mode.ToString());
            w.WriteString("fingerprint", request.Fingerprint);
            w.WriteString("statement", request.Statement);
            w.WriteString("status", request.Status.ToString());
            w.WriteString("expires_at", request.ExpiresAt);
            w.WriteString("decided_by", request.DecidedBy);
            w.WriteString("decision_reason", request.DecisionReason);
            if (request.GrantExpiresAt is { } grantExpiresAt)
            {
                w.WriteString("grant_expires_at", grantExpiresAt);
            }
            else
            {
                w.WriteNull("grant_expires_at");
            }
        });
    }

    private static void WritePrincipal(Utf8JsonWriter w, Principal principal)
    {
        w.WriteString("subject", principal.Subject);
        w.WriteString("issuer", principal.Issuer);
        w.WriteString("method", principal.Method.ToString());
        w.WriteStartArray("groups");
        foreach (var group in principal.Groups)
        {
            w.WriteStringValue(group);
        }

        w.WriteEndArray();
    }
}
