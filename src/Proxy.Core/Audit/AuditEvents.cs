using System.Text.Json;
using Sluice.Core.Identity;

namespace Sluice.Core.Audit;

/// <summary>The audit event types Sluice writes, with their fields in one place.</summary>
public static class AuditEvents
{
    public static void SessionStarted(
        this AuditLog log, string sessionId, Principal principal, string listener, string connection,
        string clientAddress, string? clientUser, string recordingPath)
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
