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

    /// <summary>
    /// The engine's rules, as the file gives them, evaluated in file order; the first rule that matches a column
    /// decides its strategy.
    /// </summary>
    public IReadOnlyList<MaskRule> Rules { get; init; } = [];

    /// <summary>The line each of <see cref="Rules"/> starts on, for messages about a rule at run time.</summary>
    public IReadOnlyList<int> RuleLines { get; init; } = [];
}
