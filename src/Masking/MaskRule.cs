namespace Sluice.Masking;

/// <summary>
/// One masking rule from the configuration. Exactly one matcher is set: provenance (<see cref="Table"/> with
/// <see cref="Column"/>, optionally <see cref="Schema"/>), a result column name pattern
/// (<see cref="ColumnNamePattern"/>), a value <see cref="Detector"/>, or <see cref="Derived"/> (with an optional
/// <see cref="ColumnNamePattern"/>). Rules are scoped by <see cref="Identities"/> and <see cref="Groups"/>;
/// both empty means the rule applies to everyone.
/// </summary>
public sealed record MaskRule
{
    /// <summary>The rule's name, used in error messages and audit.</summary>
    public required string Name { get; init; }

    /// <summary>Subjects the rule applies to.</summary>
    public IReadOnlyList<string> Identities { get; init; } = [];

    /// <summary>Groups the rule applies to.</summary>
    public IReadOnlyList<string> Groups { get; init; } = [];

    /// <summary>Provenance matcher: the source schema; null matches any schema.</summary>
    public string? Schema { get; init; }

    /// <summary>Provenance matcher: the source table, as the database stores its name (case-sensitive).</summary>
    public string? Table { get; init; }

    /// <summary>Provenance matcher: the source column, or "*" for every column of <see cref="Table"/>.</summary>
    public string? Column { get; init; }

    /// <summary>Glob on the result column's name (case-insensitive, '*' and '?').</summary>
    public string? ColumnNamePattern { get; init; }

    /// <summary>Value matcher: occurrences of this detector in unclaimed text columns are masked.</summary>
    public DetectorKind? Detector { get; init; }

    /// <summary>
    /// Matcher for derived columns (no source table) whose result name matches <see cref="ColumnNamePattern"/>
    /// (any when null): the explicit allowance (strategy Clear) or the masking for them.
    /// </summary>
    public bool Derived { get; init; }

    /// <summary>What the rule does to what it matches.</summary>
    public required MaskStrategy Strategy { get; init; }
}
