namespace Sluice.Masking;

/// <summary>What part of a column or value a rule looks at.</summary>
internal enum RuleMatcher : byte
{
    Provenance,
    NamePattern,
    Derived,
    Detector,
}

/// <summary>A validated <see cref="MaskRule"/> with its strategy compiled.</summary>
internal sealed class CompiledRule
{
    private readonly string? _schema;
    private readonly string? _table;
    private readonly string? _column;
    private readonly string? _pattern;

    internal CompiledRule(MaskRule rule)
    {
        ArgumentNullException.ThrowIfNull(rule);
        if (string.IsNullOrWhiteSpace(rule.Name))
        {
            throw new ArgumentException("a masking rule has no name", nameof(rule));
        }

        Name = rule.Name;
        Source = rule;
        Strategy = CompiledStrategy.Compile(rule.Strategy, rule.Name);
        _schema = rule.Schema;
        _table = rule.Table;
        _column = rule.Column;
        _pattern = rule.ColumnNamePattern;
        bool provenance = rule.Schema is not null || rule.Table is not null || rule.Column is not null;
        bool pattern = rule.ColumnNamePattern is not null && !rule.Derived;
        bool detector = rule.Detector is not null;
        int matchers = (provenance ? 1 : 0) + (pattern ? 1 : 0) + (detector ? 1 : 0) + (rule.Derived ? 1 : 0);
        if (matchers != 1)
        {
            throw new ArgumentException(
                $"masking rule '{rule.Name}' must set exactly one matcher (table and column, column name pattern, "
                + "detector, or derived)", nameof(rule));
        }

        if (provenance && (string.IsNullOrEmpty(rule.Table) || string.IsNullOrEmpty(rule.Column)))
        {
            throw new ArgumentException($"masking rule '{rule.Name}' names a source but not both table and column",
                nameof(rule));
        }

        if (detector && !Enum.IsDefined(rule.Detector!.Value))
        {
            throw new ArgumentException($"masking rule '{rule.Name}' names an unknown detector", nameof(rule));
        }

        Matcher = provenance ? RuleMatcher.Provenance
            : detector ? RuleMatcher.Detector
            : rule.Derived ? RuleMatcher.Derived
            : RuleMatcher.NamePattern;
        Detector = rule.Detector ?? default;
    }

    internal string Name { get; }

    internal MaskRule Source { get; }

    internal RuleMatcher Matcher { get; }

    internal DetectorKind Detector { get; }

    internal CompiledStrategy Strategy { get; }

    internal string? Schema => _schema;

    internal string? Table => _table;

    internal bool CoversWholeTable => _column == "*";

    internal bool AppliesTo(string subject, IReadOnlyList<string> groups)
    {
        if (Source.Identities.Count == 0 && Source.Groups.Count == 0)
        {
            return true;
        }

        foreach (string identity in Source.Identities)
        {
            if (string.Equals(identity, subject, StringComparison.Ordinal))
            {
                return true;
            }
        }

        foreach (string group in Source.Groups)
        {
            foreach (string held in groups)
            {
                if (string.Equals(group, held, StringComparison.Ordinal))
                {
                    return true;
                }
            }
        }

        return false;
    }

    /// <summary>Does this rule claim the column (detector rules never do)?</summary>
    internal bool Claims(in MaskColumn column) => Matcher switch
    {
        RuleMatcher.Provenance => column.SourceTable is not null
            && string.Equals(_table, column.SourceTable, StringComparison.Ordinal)
            && (_schema is null || string.Equals(_schema, column.SourceSchema, StringComparison.Ordinal))
            && (CoversWholeTable || string.Equals(_column, column.SourceColumn, StringComparison.Ordinal)),
        RuleMatcher.NamePattern => Glob.IsMatch(_pattern!, column.Name),
        RuleMatcher.Derived => column.IsDerived && (_pattern is null || Glob.IsMatch(_pattern, column.Name)),
        _ => false,
    };

    /// <summary>Does this provenance rule name <paramref name="table"/> (a null schema matches any)?</summary>
    internal bool NamesTable(string? schema, string table) =>
        Matcher == RuleMatcher.Provenance
        && string.Equals(_table, table, StringComparison.Ordinal)
        && (_schema is null || schema is null || string.Equals(_schema, schema, StringComparison.Ordinal));
}
