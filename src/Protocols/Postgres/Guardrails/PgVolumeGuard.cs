using System.Security.Cryptography;
using System.Text;
using Sluice.Core.Approvals;
using Sluice.Core.Policy;

namespace Sluice.Protocols.Postgres;

/// <summary>What the volume guard wants done with one row of a result.</summary>
internal enum PgVolumeStep : byte
{
    Forward,
    Wait,
    Drop,
}

/// <summary>
/// Watches how much one statement returns. When a result crosses the rule's rows or bytes, the guard stops the
/// relay (the upstream is no longer read, so the database is held back by TCP) and asks for approval; approved, the
/// result resumes; denied, timed out or ticketed, the statement is cancelled upstream, the rows still arriving are
/// dropped, and the client gets an error in the statement's place while the session goes on.
/// </summary>
internal sealed class PgVolumeGuard
{
    private readonly VolumeLimit _limit;
    private readonly PgApprovalContext? _approvals;
    private readonly Func<Task> _cancelUpstream;
    private volatile string _statement = "";
    private long _rows;
    private long _bytes;
    private bool _approved;
    private Task<ApprovalRequest>? _wait;
    private string? _cancelMessage;
    private string? _note;

    public PgVolumeGuard(VolumeLimit limit, PgApprovalContext? approvals, Func<Task> cancelUpstream)
    {
        _limit = limit;
        _approvals = approvals;
        _cancelUpstream = cancelUpstream;
    }

    /// <summary>The statement whose results arrive next, as the client sent it (set by the frontend side).</summary>
    public string Statement
    {
        set => _statement = value;
    }

    /// <summary>A grant just used to let a result continue, for the recording; read once.</summary>
    public string? TakeNote()
    {
        var note = _note;
        _note = null;
        return note;
    }

    /// <summary>The message for the client once the statement was cancelled by this guard, else null.</summary>
    public string? CancelMessage => _cancelMessage;

    public PgVolumeStep OnRow(int frameBytes, out Task? pending)
    {
        pending = null;
        if (_cancelMessage is not null)
        {
            return PgVolumeStep.Drop;
        }

        if (_wait is { } finished)
        {
            _wait = null;
            return Resume(finished.Result, out pending);
        }

        _rows++;
        _bytes += frameBytes;
        if (_approved || !_limit.IsExceeded(_rows, _bytes))
        {
            return PgVolumeStep.Forward;
        }

        var reason = $"the result passed {Threshold()} (rule {_limit.RuleName})";
        if (_approvals is not { } context)
        {
            return Cancel($"{reason}, and approvals are not available: the statement was cancelled", out pending);
        }

        var fingerprint = Fingerprint();
        if (context.Service.TryConsumeGrant(context.Principal.Subject, context.Connection, fingerprint, out _))
        {
            _approved = true;
            return PgVolumeStep.Forward;
        }

        var request = context.Service.Request(
            context.SessionId, context.Principal, context.Connection, _statement, fingerprint, _limit.RuleName,
            reason, _limit.Mode, _limit.Timeout);
        if (_limit.Mode == ApprovalMode.Ticket)
        {
            return Cancel(
                $"{reason}: approval {request.Id} requested; run the statement again once it is approved", out pending);
        }

        _wait = context.Service.WaitAsync(request.Id, CancellationToken.None);
        pending = _wait;
        return PgVolumeStep.Wait;
    }

    /// <summary>A result is over (or a new one starts): counting starts again.</summary>
    public void EndResult()
    {
        _rows = 0;
        _bytes = 0;
        _approved = false;
        _wait = null;
        _cancelMessage = null;
    }

    private PgVolumeStep Resume(ApprovalRequest request, out Task? pending)
    {
        pending = null;
        var context = _approvals!;
        if (request.Status == ApprovalStatus.Approved
            && context.Service.TryConsumeGrant(context.Principal.Subject, context.Connection, request.Fingerprint, out _))
        {
            _approved = true;
            _note = $"approval {request.Id} granted by {request.DecidedBy}: the result continues past {Threshold()}";
            return PgVolumeStep.Forward;
        }

        var outcome = request.Status == ApprovalStatus.Denied
            ? $"was denied by {request.DecidedBy}" + (request.DecisionReason is { } why ? $": {why}" : "")
            : "was not decided in time";
        return Cancel(
            $"the result passed {Threshold()}: approval {request.Id} {outcome}; the statement was cancelled", out pending);
    }

    /// <summary>
    /// Cancels upstream while the relay is still paused, so the backend, blocked on its full socket, takes the
    /// cancel before it can finish the statement; a cancel that arrived after the statement could hit the next.
    /// Every row after this one is dropped.
    /// </summary>
    private PgVolumeStep Cancel(string message, out Task? pending)
    {
        _cancelMessage = message;
        pending = _cancelUpstream();
        return PgVolumeStep.Wait;
    }

    private string Threshold() => _limit.Rows is { } rows ? $"{rows} rows" : $"{_limit.Bytes} bytes";

    /// <summary>A volume grant is bound to the exact statement text, apart from grants for the statement itself.</summary>
    private string Fingerprint() =>
        "volume:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(_statement)));
}
