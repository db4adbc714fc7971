using Sluice.Core.Audit;
using Sluice.Core.Configuration;
using Sluice.Core.Identity;
using Sluice.Core.Recording;

namespace Sluice.Protocols.Postgres;

/// <summary>
/// What a session does when its recording cannot be created or written, as <c>recording.on_failure</c> says:
/// <c>refuse</c> (the default) fails closed, <c>continue</c> lets the session run unrecorded. Either way the
/// failure is an audit event and a log line, once per session.
/// </summary>
internal sealed partial class PgSession
{
    private int _recordingFailureReported;

    private bool RecordingFailsClosed => Services.Config.Recording.OnFailure == RecordingFailurePolicy.Refuse;

    /// <summary>
    /// The error a client gets when its session cannot be recorded: 53100 (disk_full) for a full disk, 58030
    /// (io_error) otherwise. It says why in the operator's terms but names no path.
    /// </summary>
    internal static PgClientError RecordingUnavailableError(RecordingFailureKind kind, bool starting) => new(
        kind == RecordingFailureKind.DiskFull ? "53100" : "58030",
        starting
            ? $"session recording is unavailable ({RecordingFailure.Describe(kind)}), so the gateway refuses the session"
            : $"session recording failed ({RecordingFailure.Describe(kind)}), so the gateway ends the session");

    /// <summary>
    /// Creates the session's recording. When that fails, either refuses the session (returns false after telling
    /// the client) or, under <c>on_failure: continue</c>, goes on with a recorder that records nothing.
    /// </summary>
    private async Task<bool> StartRecordingAsync(
        SessionHeader header, Principal principal, ConnectionConfig connection, CancellationToken cancellationToken)
    {
        try
        {
            _recorder = Services.Recordings.Create(header, Services.RecordingOptions);
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            var kind = RecordingFailure.Classify(e);
            var directory = Services.Recordings.Directory;
            _recordingFailureReported = 1;
            if (!RecordingFailsClosed)
            {
                PgLog.RecordingUnavailableContinuing(_logger, SessionId, principal.Subject, connection.Name, e.Message, directory);
                Services.Audit.RecordingFailed(
                    SessionId, principal.Subject, connection.Name, kind.ToString(), e.Message, "session runs unrecorded");
                _recorder = SessionRecorder.Unrecorded(SessionId, "", Services.RecordingOptions, e);
                return true;
            }

            PgLog.RecordingUnavailable(_logger, SessionId, principal.Subject, connection.Name, e.Message, directory);
            Services.Audit.RecordingFailed(
                SessionId, principal.Subject, connection.Name, kind.ToString(), e.Message, "session refused");
            var error = RecordingUnavailableError(kind, starting: true);
            return await RejectAsync(
                error.SqlState, error.Message, $"recording unavailable: {e.Message}", cancellationToken,
                hint: "ask the gateway's operator to check the recording disk");
        }
    }

    /// <summary>
    /// Called whenever the relay sees the recorder's fault. Reports it once; returns the outcome that ends the
    /// session when recording fails closed, or null when the session may carry on unrecorded.
    /// </summary>
    private PgRelayOutcome? RecordingLost()
    {
        var fault = _recorder?.Fault;
        if (fault is null)
        {
            return null;
        }

        var kind = RecordingFailure.Classify(fault);
        var failsClosed = RecordingFailsClosed;
        if (Interlocked.Exchange(ref _recordingFailureReported, 1) == 0)
        {
            var subject = Subject;
            var directory = Services.Recordings.Directory;
            if (failsClosed)
            {
                PgLog.RecordingFailed(_logger, SessionId, subject, Connection, fault.Message, directory);
            }
            else
            {
                PgLog.RecordingFailedContinuing(_logger, SessionId, subject, Connection, fault.Message, directory);
            }

            Services.Audit.RecordingFailed(
                SessionId, subject, Connection, kind.ToString(), fault.Message,
                failsClosed ? "session ended" : "session continues unrecorded");
        }

        return failsClosed
            ? PgRelayOutcome.Reject($"recording failed: {fault.Message}", RecordingUnavailableError(kind, starting: false))
            : null;
    }
}
