using Sluice.Masking;

namespace Sluice.Core.Configuration;

/// <summary>
/// The <c>masking:</c> section: the key for pseudonyms and the ordered rules that decide how each result
/// column is rewritten. An absent section gives no rules and no key.
/// </summary>
public sealed class MaskingConfig
{
    /// <summary>
    /// Key for <see cref="MaskStrategyKind.Pseudonym"/>, at least 32 bytes when set (the loader checks the
    /// UTF-8 length). When null, the host generates a key into the data directory on first start and reuses it,
    /// so pseudonyms stay stable across restarts; rules using pseudonyms are therefore valid without it.
    /// </summary>
    public Secret? PseudonymKey { get; init; }

    /// <summary>Evaluated in file order; the first rule that matches a column decides its strategy.</summary>
    public IReadOnlyList<MaskingRuleConfig> Rules { get; init; } = [];
}

/// <summary>
/// One masking rule: who it applies to, which columns it matches, and the strategy for them. Exactly one
/// matcher is set: <see cref="Table"/> with <see cref="Column"/> (provenance, <see cref="Schema"/> optional),
/// <see cref="ColumnNamePattern"/> alone, <see cref="Detector"/>, or <see cref="Derived"/> (optionally
/// narrowed by <see cref="ColumnNamePattern"/>).
/// </summary>
public sealed class MaskingRuleConfig
{
    /// <summary>Unique among the rules; names the rule in audit events and messages.</summary>
    public required string Name { get; init; }

    /// <summary>With <see cref="Groups"/>: the principals the rule applies to. Both empty means everyone.</summary>
    public IReadOnlyList<string> Identities { get; init; } = [];

    public IReadOnlyList<string> Groups { get; init; } = [];

    /// <summary>Schema of the source table; null matches the table in any schema.</summary>
    public string? Schema { get; init; }

    /// <summary>Source table of the column, as the database catalog names it.</summary>
    public string? Table { get; init; }

    /// <summary>Source column; "*" stands for every column of <see cref="Table"/>.</summary>
    public string? Column { get; init; }

    /// <summary>Glob (<c>*</c> and <c>?</c>) on the result column name, compared without regard to case.</summary>
    public string? ColumnNamePattern { get; init; }

    public DetectorKind? Detector { get; init; }

    /// <summary>Matches columns computed by an expression rather than read from a table.</summary>
    public bool Derived { get; init; }

    public required MaskStrategyKind Strategy { get; init; }

    /// <summary>Characters kept by <see cref="MaskStrategyKind.KeepLast"/>, 1 to 64.</summary>
    public int Keep { get; init; } = 4;

    /// <summary>The replacement text of <see cref="MaskStrategyKind.Fixed"/>; null for other strategies.</summary>
    public string? FixedValue { get; init; }

    /// <summary>1-based line where the rule starts in the configuration file, for messages at run time.</summary>
    public int Line { get; init; }
}
