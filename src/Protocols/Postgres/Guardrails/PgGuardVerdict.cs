using Sluice.Core.Policy;
using Sluice.Core.Sql;

namespace Sluice.Protocols.Postgres;

/// <summary>What the guard decided about one Query or Parse.</summary>
internal enum PgGuardOutcome : byte
{
    Allow,
    Refuse,
    Wait,
}

/// <summary>
/// The guard's verdict: allow (perhaps on a consumed approval, then <see cref="Note"/> says whose), refuse with
/// <see cref="Message"/>, or wait for <see cref="Pending"/> (an approval) and judge the message again.
/// </summary>
internal readonly record struct PgGuardVerdict(
    PgGuardOutcome Outcome, string? Message = null, Task? Pending = null, PolicyDecision? Decision = null,
    SqlStatement? Statement = null, string? Note = null)
{
    public static PgGuardVerdict Allowed { get; } = new(PgGuardOutcome.Allow);
}
