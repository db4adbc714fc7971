using System.Buffers;
using System.Text;
using Sluice.Core.Approvals;
using Sluice.Core.Policy;
using Sluice.Core.Sql;

namespace Sluice.Protocols.Postgres;

/// <summary>
/// Judges each statement a client sends (simple Query or Parse) against the guardrail rules before it is
/// forwarded. A statement that is not allowed never reaches the database: it is replaced by one that makes the
/// server raise the refusal itself (SQLSTATE 42501, naming the rule), so the client receives an ordinary error
/// exactly where the statement's answer belongs, transactions fail as they would for any error, and the session
/// stays usable, in the simple and the extended protocol alike.
/// </summary>
internal sealed class PgStatementGuard
{
    private readonly GuardrailScope _scope;
    private readonly PgApprovalContext? _approvals;
    private readonly string _subject;
    private readonly ArrayBufferWriter<byte> _buffer = new(256);

    // Waits in progress, by statement fingerprint: the message is judged again once its wait is over.
    private readonly Dictionary<string, Task<ApprovalRequest>> _waits = new(StringComparer.Ordinal);

    public PgStatementGuard(GuardrailScope scope, PgApprovalContext? approvals = null, string subject = "")
    {
        _scope = scope;
        _approvals = approvals;
        _subject = subject;
    }

    /// <summary>Judges every statement of <paramref name="sqlUtf8"/>; the first that is not allowed decides.</summary>
    public PgGuardVerdict Judge(ReadOnlySpan<byte> sqlUtf8)
    {
        string? note = null;
        foreach (var statement in SqlClassifier.Classify(Encoding.UTF8.GetString(sqlUtf8)))
        {
            var decision = _scope.Evaluate(statement);
            if (decision.Effect == PolicyEffect.Allow && WindowDecision(statement) is { } window)
            {
                decision = window;
            }

            if (decision.Effect == PolicyEffect.Allow)
            {
                continue;
            }

            var verdict = decision.Effect == PolicyEffect.Deny || _approvals is null
                ? new PgGuardVerdict(PgGuardOutcome.Refuse, Message(decision), null, decision, statement)
                : Approval(_approvals, decision, statement);
            if (verdict.Outcome != PgGuardOutcome.Allow)
            {
                return verdict;
            }

            note ??= verdict.Note;
        }

        return note is null ? PgGuardVerdict.Allowed : PgGuardVerdict.Allowed with { Note = note };
    }

    /// <summary>
    /// Once an identity has read more than a rolling-window rule allows, each further statement that returns data
    /// needs approval until the window has moved on.
    /// </summary>
    private PolicyDecision? WindowDecision(SqlStatement statement)
    {
        if (_scope.WindowVolume is not { } window || statement.Class is not (StatementClass.Read or StatementClass.Copy))
        {
            return null;
        }

        var (rows, bytes) = window.Current(_subject);
        var over = (window.Rows is { } maxRows && rows > maxRows) || (window.Bytes is { } maxBytes && bytes > maxBytes);
        return over
            ? new PolicyDecision(
                PolicyEffect.RequireApproval, window.RuleName,
                $"identity {_subject} has received {rows} rows ({bytes} bytes) within {window.Window}, more than " +
                $"rule {window.RuleName} allows without approval",
                window.Mode, window.Timeout)
            : null;
    }

    /// <summary>
    /// A statement that needs approval runs on an unused grant for exactly this identity, connection and statement;
    /// otherwise a request is made, and the statement waits for the decision or is refused with its ticket.
    /// </summary>
    private PgGuardVerdict Approval(PgApprovalContext context, PolicyDecision decision, SqlStatement statement)
    {
        var service = context.Service;
        var subject = context.Principal.Subject;
        var fingerprint = statement.Fingerprint;
        if (_waits.Remove(fingerprint, out var finished) && finished.IsCompleted)
        {
            var request = finished.Result;
            if (request.Status == ApprovalStatus.Approved && service.TryConsumeGrant(subject, context.Connection, fingerprint, out _))
            {
                return PgGuardVerdict.Allowed with { Note = $"approval {request.Id} granted by {request.DecidedBy}" };
            }

            var outcome = request.Status switch
            {
                ApprovalStatus.Denied => $"was denied by {request.DecidedBy}" +
                    (request.DecisionReason is { } why ? $": {why}" : ""),
                ApprovalStatus.Expired => "was not decided in time",
                _ => $"is {request.Status.ToString().ToLowerInvariant()}",
            };
            return new PgGuardVerdict(
                PgGuardOutcome.Refuse, $"approval {request.Id} {outcome}; the statement is refused ({decision.Reason})",
                null, decision, statement);
        }

        if (service.TryConsumeGrant(subject, context.Connection, fingerprint, out var grant))
        {
            return PgGuardVerdict.Allowed with { Note = $"approval {grant!.Id} granted by {grant.DecidedBy}" };
        }

        var pending = service.Request(
            context.SessionId, context.Principal, context.Connection, statement.Text, fingerprint,
            decision.RuleName ?? "", decision.Reason ?? "", decision.Mode, decision.Timeout);
        if (decision.Mode == ApprovalMode.Ticket)
        {
            return new PgGuardVerdict(
                PgGuardOutcome.Refuse,
                $"approval {pending.Id} requested ({decision.Reason}); run the statement again once it is approved",
                null, decision, statement);
        }

        var wait = service.WaitAsync(pending.Id, CancellationToken.None);
        _waits[fingerprint] = wait;
        return new PgGuardVerdict(PgGuardOutcome.Wait, null, wait, decision, statement,
            $"approval {pending.Id} requested: waiting");
    }

    /// <summary>What the client is told for a decision that is not Allow (the reason names the rule).</summary>
    public static string Message(PolicyDecision decision) => decision.Effect == PolicyEffect.RequireApproval
        ? $"{decision.Reason}; approvals are not available on this gateway yet, so the statement is refused"
        : decision.Reason ?? $"statement denied by rule {decision.RuleName}";

    /// <summary>The replacement for a refused Query.</summary>
    public ReadOnlySpan<byte> RefuseQuery(string message) =>
        Build(w => PgWriter.Query(w, PgRefusal.Statement("42501", message)));

    /// <summary>The replacement for a refused Parse: the same statement name, a body that raises the refusal.</summary>
    public ReadOnlySpan<byte> RefuseParse(string statementName, string message) =>
        Build(w => PgWriter.Parse(w, statementName, PgRefusal.Statement("42501", message), []));

    private ReadOnlySpan<byte> Build(Action<IBufferWriter<byte>> write)
    {
        _buffer.ResetWrittenCount();
        write(_buffer);
        return _buffer.WrittenSpan;
    }
}
