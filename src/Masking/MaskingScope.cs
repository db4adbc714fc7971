namespace Sluice.Masking;

/// <summary>
/// The rules that apply to one principal, in configuration order. One per session; cheap to keep and safe to
/// share between threads (it never changes).
/// </summary>
public sealed class MaskingScope
{
    private readonly CompiledRule[] _rules;
    private readonly CompiledRule[] _detectorRules;
    private readonly PseudonymKey _key;
    private readonly (string? Schema, string Table)[] _protectedTables;

    internal MaskingScope(CompiledRule[] rules, PseudonymKey key)
    {
        _rules = rules;
        _key = key;
        _detectorRules = Array.FindAll(rules, r => r.Matcher == RuleMatcher.Detector);
        _protectedTables = FindProtectedTables(rules);
    }

    /// <summary>No rules apply: the protocol can skip all masking work.</summary>
    public bool IsEmpty => _rules.Length == 0;

    /// <summary>The names of the rules that apply, in order (for audit and diagnostics).</summary>
    public IEnumerable<string> RuleNames => _rules.Select(r => r.Name);

    /// <summary>
    /// Tables a provenance rule with a masking strategy names for this principal, leaving out those a
    /// whole-table Clear rule shadows ("auditors see clear" placed first).
    /// </summary>
    public IReadOnlyCollection<(string? Schema, string Table)> ProtectedTables => _protectedTables;

    /// <summary>
    /// Does a provenance rule with a masking strategy name this table? A statement reading such a table makes
    /// its derived columns fail closed. A null <paramref name="schema"/> (the statement did not qualify the
    /// name) matches a rule for any schema: when in doubt, the table counts as protected.
    /// </summary>
    public bool IsProtectedTable(string? schema, string table)
    {
        ArgumentNullException.ThrowIfNull(table);
        foreach ((string? ruleSchema, string ruleTable) in _protectedTables)
        {
            if (string.Equals(ruleTable, table, StringComparison.Ordinal)
                && (ruleSchema is null || schema is null
                    || string.Equals(ruleSchema, schema, StringComparison.Ordinal)))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Builds the plan for one result. Each column takes the strategy of the first rule that claims it
    /// (provenance, name pattern, or derived rules; Clear leaves it untouched). An unclaimed derived column
    /// fails closed (Redact, which is NULL for non-text kinds) when <paramref name="statementReadsProtectedTable"/>
    /// is true. Every other unclaimed text column is scanned by the detector rules. Returns null when no column
    /// needs any work.
    /// </summary>
    public ResultMaskPlan? Plan(ReadOnlySpan<MaskColumn> columns, bool statementReadsProtectedTable)
    {
        if (IsEmpty)
        {
            return null;
        }

        var kinds = new MaskValueKind[columns.Length];
        var strategies = new CompiledStrategy?[columns.Length];
        var detect = new bool[columns.Length];
        var reasons = new string?[columns.Length];
        bool anyWork = false;
        for (int c = 0; c < columns.Length; c++)
        {
            ref readonly MaskColumn column = ref columns[c];
            kinds[c] = column.Kind;
            CompiledRule? claim = null;
            foreach (CompiledRule rule in _rules)
            {
                if (rule.Claims(column))
                {
                    claim = rule;
                    break;
                }
            }

            if (claim is not null)
            {
                reasons[c] = claim.Name;
                if (claim.Strategy.Kind != MaskStrategyKind.Clear)
                {
                    strategies[c] = claim.Strategy;
                }
            }
            else if (column.IsDerived && statementReadsProtectedTable)
            {
                strategies[c] = CompiledStrategy.FailClosed;
                reasons[c] = ResultMaskPlan.FailClosedReason;
            }
            else if (column.Kind == MaskValueKind.Text && _detectorRules.Length > 0)
            {
                detect[c] = true;
                reasons[c] = ResultMaskPlan.DetectorsReason;
            }

            anyWork |= strategies[c] is not null || detect[c];
        }

        return anyWork ? new ResultMaskPlan(kinds, strategies, detect, reasons, _detectorRules, _key) : null;
    }

    private static (string? Schema, string Table)[] FindProtectedTables(CompiledRule[] rules)
    {
        List<(string? Schema, string Table)> cleared = [];
        List<(string? Schema, string Table)> found = [];
        foreach (CompiledRule rule in rules)
        {
            if (rule.Matcher != RuleMatcher.Provenance)
            {
                continue;
            }

            (string? Schema, string Table) entry = (rule.Schema, rule.Table!);
            if (rule.Strategy.Kind == MaskStrategyKind.Clear)
            {
                if (rule.CoversWholeTable)
                {
                    cleared.Add(entry);
                }

                continue;
            }

            bool shadowed = cleared.Exists(
                c => c.Table == entry.Table && (c.Schema is null || c.Schema == entry.Schema));
            if (!shadowed && !found.Contains(entry))
            {
                found.Add(entry);
            }
        }

        return [.. found];
    }
}
