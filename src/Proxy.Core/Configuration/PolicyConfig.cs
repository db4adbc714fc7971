using Sluice.Core.Policy;
using Sluice.Core.Sql;

namespace Sluice.Core.Configuration;

/// <summary>
/// The <c>policy:</c> section: guardrail rules checked for every statement. An absent section has no
/// rules and still refuses statements the classifier could not understand.
/// </summary>
public sealed class PolicyConfig
{
    /// <summary>
    /// In file order. For each statement the first matching deny or approval rule decides, and a matching
    /// allow rule ends evaluation with the statement allowed. Volume rules are not part of that walk:
    /// they apply to every statement of the principals they name.
    /// </summary>
    public IReadOnlyList<PolicyRuleConfig> Rules { get; init; } = [];

    /// <summary>
    /// Refuse statements of class <see cref="StatementClass.Unknown"/> unless an allow rule matches them.
    /// On by default: a statement the gateway cannot read is one whose effect it cannot judge.
    /// </summary>
    public bool DenyUnknown { get; init; } = true;
}

/// <summary>What a matching policy rule does.</summary>
public enum PolicyRuleKind
{
    Deny,
    Allow,
    RequireApproval,
}

/// <summary>
/// One guardrail rule: who it applies to, what it matches and what it does. A deny or allow rule has a
/// non-empty <see cref="Match"/>; an approval rule has <see cref="Approval"/> and either a
/// <see cref="Match"/> (relations and classes only) or volume thresholds in the approval.
/// </summary>
public sealed class PolicyRuleConfig
{
    /// <summary>Unique among the rules; named in refusals, approval requests and audit events.</summary>
    public required string Name { get; init; }

    /// <summary>With <see cref="Groups"/>: the principals the rule applies to. Both empty means everyone.</summary>
    public IReadOnlyList<string> Identities { get; init; } = [];

    public IReadOnlyList<string> Groups { get; init; } = [];

    public required PolicyRuleKind Kind { get; init; }

    /// <summary>What the rule matches; empty for volume-only approval rules.</summary>
    public PolicyMatchConfig Match { get; init; } = new();

    /// <summary>How approval is obtained and, for volume rules, the thresholds; null unless an approval rule.</summary>
    public PolicyApprovalConfig? Approval { get; init; }

    /// <summary>1-based line where the rule starts in the configuration file, for messages at run time.</summary>
    public int Line { get; init; }
}

/// <summary>
/// Statement matchers of a rule. Every matcher that is set must match (they combine with AND); within
/// one list, any entry matching is enough (OR). Globs take <c>*</c> and <c>?</c> and ignore case.
/// </summary>
public sealed class PolicyMatchConfig
{
    public IReadOnlyList<StatementClass> Classes { get; init; } = [];

    /// <summary>Globs on "schema.name", or on the name alone when the glob has no dot.</summary>
    public IReadOnlyList<string> Relations { get; init; } = [];

    /// <summary>Globs on called function names, qualified the same way as <see cref="Relations"/>.</summary>
    public IReadOnlyList<string> Functions { get; init; } = [];

    /// <summary>Globs on the name of a session setting the statement changes.</summary>
    public IReadOnlyList<string> Settings { get; init; } = [];

    /// <summary>Matches COPY that runs a program or reads or writes a file on the database server.</summary>
    public bool CopyProgram { get; init; }

    /// <summary>Matches UPDATE or DELETE without a WHERE clause.</summary>
    public bool WriteWithoutWhere { get; init; }

    /// <summary>.NET regular expression searched for in the statement text; checked by the loader.</summary>
    public string? Pattern { get; init; }

    public bool IsEmpty =>
        Classes.Count == 0 && Relations.Count == 0 && Functions.Count == 0 && Settings.Count == 0
        && !CopyProgram && !WriteWithoutWhere && Pattern is null;
}

/// <summary>
/// How an approval rule waits for a human, and its volume thresholds. At most one kind of threshold is
/// set: per statement (<see cref="Rows"/> and/or <see cref="Bytes"/>) or per rolling
/// <see cref="Window"/> (<see cref="RowsPerWindow"/> and/or <see cref="BytesPerWindow"/>).
/// </summary>
public sealed class PolicyApprovalConfig
{
    public ApprovalMode Mode { get; init; } = ApprovalMode.Wait;

    /// <summary>How long a held statement waits for a decision, or how long a ticket stays valid.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Rows returned by one statement above which approval is needed.</summary>
    public long? Rows { get; init; }

    /// <summary>Bytes returned by one statement above which approval is needed.</summary>
    public long? Bytes { get; init; }

    /// <summary>Rows per identity within <see cref="Window"/> above which approval is needed.</summary>
    public long? RowsPerWindow { get; init; }

    /// <summary>Bytes per identity within <see cref="Window"/> above which approval is needed.</summary>
    public long? BytesPerWindow { get; init; }

    /// <summary>Length of the rolling window; set exactly when a per-window threshold is.</summary>
    public TimeSpan? Window { get; init; }

    public bool IsPerStatementVolume => Rows is not null || Bytes is not null;

    public bool IsWindowVolume => Window is not null;
}
