using System.Buffers;
using System.Text;
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
    private readonly ArrayBufferWriter<byte> _buffer = new(256);

    public PgStatementGuard(GuardrailScope scope)
    {
        _scope = scope;
    }

    /// <summary>The first decision that is not Allow among the statements of <paramref name="sqlUtf8"/>.</summary>
    public (PolicyDecision Decision, SqlStatement? Statement) Judge(ReadOnlySpan<byte> sqlUtf8)
    {
        foreach (var statement in SqlClassifier.Classify(Encoding.UTF8.GetString(sqlUtf8)))
        {
            var decision = _scope.Evaluate(statement);
            if (decision.Effect != PolicyEffect.Allow)
            {
                return (decision, statement);
            }
        }

        return (PolicyDecision.Allowed, null);
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
