using Microsoft.Extensions.Logging;

namespace Sluice.Protocols.Postgres;

/// <summary>Log lines of PostgreSQL sessions, event ids 1000–1099. Never query text, values or secrets.</summary>
internal static partial class PgLog
{
    [LoggerMessage(1000, LogLevel.Debug, "[{SessionId}] client {Client} connected to listener {Listener}")]
    public static partial void ClientConnected(ILogger logger, string sessionId, string client, string listener);

    [LoggerMessage(1001, LogLevel.Information,
        "[{SessionId}] {Subject} ({Method}) opened connection {Connection} from {Client}, upstream pid {UpstreamPid}")]
    public static partial void SessionOpened(
        ILogger logger, string sessionId, string subject, string method, string connection, string client,
        int upstreamPid);

    [LoggerMessage(1002, LogLevel.Information,
        "[{SessionId}] session ended: {Reason}; {Statements} statements, {Rows} rows, {Bytes} bytes to client, " +
        "{Masked} values masked")]
    public static partial void SessionEnded(
        ILogger logger, string sessionId, string reason, long statements, long rows, long bytes, long masked);

    [LoggerMessage(1003, LogLevel.Warning,
        "[{SessionId}] authentication failed for client {Client} (startup user {ClientUser}): {Failure}")]
    public static partial void AuthenticationFailed(
        ILogger logger, string sessionId, string client, string? clientUser, string failure);

    [LoggerMessage(1004, LogLevel.Warning,
        "[{SessionId}] {Subject} refused on listener {Listener}: {Reason}")]
    public static partial void AccessRefused(ILogger logger, string sessionId, string subject, string listener, string reason);

    // Information, not Debug: a refused start-up (garbage, a port scan, a bad token) is something an operator
    // may need to see, but it is the client's doing, never the gateway's failure.
    [LoggerMessage(1005, LogLevel.Information, "[{SessionId}] client {Client} rejected during startup: {Reason}")]
    public static partial void StartupRejected(ILogger logger, string sessionId, string client, string reason);

    [LoggerMessage(1006, LogLevel.Error,
        "[{SessionId}] upstream {Upstream} for connection {Connection} failed: {Reason}")]
    public static partial void UpstreamFailed(ILogger logger, string sessionId, string upstream, string connection, string reason);

    [LoggerMessage(1007, LogLevel.Warning, "[{SessionId}] protocol violation by {Side}: {Reason}")]
    public static partial void ProtocolViolation(ILogger logger, string sessionId, string side, string reason);

    [LoggerMessage(1008, LogLevel.Debug, "cancel request for unknown key from {Client}: ignored")]
    public static partial void CancelUnknown(ILogger logger, string client);

    [LoggerMessage(1009, LogLevel.Information, "[{SessionId}] cancel request forwarded to upstream pid {UpstreamPid}")]
    public static partial void CancelForwarded(ILogger logger, string sessionId, int upstreamPid);

    [LoggerMessage(1010, LogLevel.Warning, "cancel request for upstream pid {UpstreamPid} could not be delivered: {Reason}")]
    public static partial void CancelFailed(ILogger logger, int upstreamPid, string reason);

    [LoggerMessage(1011, LogLevel.Debug, "[{SessionId}] TLS {Protocol} established with client {Client}")]
    public static partial void ClientTls(ILogger logger, string sessionId, string protocol, string client);

    [LoggerMessage(1012, LogLevel.Error, "[{SessionId}] session failed unexpectedly")]
    public static partial void SessionCrashed(ILogger logger, Exception exception, string sessionId);

    [LoggerMessage(1013, LogLevel.Error,
        "[{SessionId}] session of {Subject} on connection {Connection} refused: its recording cannot be created " +
        "({Reason}); free space in or fix the permissions of {Directory}, or set recording.on_failure: continue " +
        "to let sessions run unrecorded")]
    public static partial void RecordingUnavailable(
        ILogger logger, string sessionId, string subject, string connection, string reason, string directory);

    [LoggerMessage(1014, LogLevel.Error,
        "[{SessionId}] recording of {Subject} on connection {Connection} failed mid-session ({Reason}); ending the " +
        "session (recording.on_failure: refuse); free space in or fix {Directory}")]
    public static partial void RecordingFailed(
        ILogger logger, string sessionId, string subject, string connection, string reason, string directory);

    [LoggerMessage(1017, LogLevel.Warning,
        "[{SessionId}] session of {Subject} on connection {Connection} runs UNRECORDED: its recording cannot be " +
        "created ({Reason}) and recording.on_failure is continue; free space in or fix {Directory}")]
    public static partial void RecordingUnavailableContinuing(
        ILogger logger, string sessionId, string subject, string connection, string reason, string directory);

    [LoggerMessage(1018, LogLevel.Warning,
        "[{SessionId}] recording of {Subject} on connection {Connection} failed mid-session ({Reason}); the rest of " +
        "the session runs UNRECORDED because recording.on_failure is continue; free space in or fix {Directory}")]
    public static partial void RecordingFailedContinuing(
        ILogger logger, string sessionId, string subject, string connection, string reason, string directory);

    [LoggerMessage(1015, LogLevel.Error, "[{SessionId}] catalog lookup for masking failed, ending the session: {Reason}")]
    public static partial void CatalogLookupFailed(ILogger logger, string sessionId, string reason);

    [LoggerMessage(1016, LogLevel.Information, "[{SessionId}] statement refused by rule {Rule}: {Reason}")]
    public static partial void StatementDenied(ILogger logger, string sessionId, string rule, string reason);

    [LoggerMessage(1019, LogLevel.Information, "[{SessionId}] client {Client} left during startup: {Reason}")]
    public static partial void StartupAbandoned(ILogger logger, string sessionId, string client, string reason);
}
