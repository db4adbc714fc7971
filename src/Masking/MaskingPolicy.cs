using System.Security.Cryptography;

namespace Sluice.Masking;

/// <summary>
/// The masking rules of a gateway, validated once, with the key for pseudonyms. Immutable and shared by all
/// sessions; each session asks for its <see cref="MaskingScope"/> once it knows who the caller is.
/// </summary>
public sealed class MaskingPolicy
{
    /// <summary>At most this many detector rules: each text cell is scanned once per detector rule.</summary>
    public const int MaxDetectorRules = 32;

    /// <summary>A pseudonym key shorter than this is refused: a short HMAC key lets values be guessed back.</summary>
    public const int MinPseudonymKeyBytes = 16;

    private readonly CompiledRule[] _rules;
    private readonly PseudonymKey _key;

    /// <summary>Validates and compiles <paramref name="rules"/>; the key is copied.</summary>
    /// <exception cref="ArgumentException">A rule is invalid (the message names it), or pseudonym rules exist
    /// and the key is shorter than <see cref="MinPseudonymKeyBytes"/>.</exception>
    public MaskingPolicy(IReadOnlyList<MaskRule> rules, ReadOnlySpan<byte> pseudonymKey)
    {
        ArgumentNullException.ThrowIfNull(rules);
        _rules = new CompiledRule[rules.Count];
        int detectors = 0;
        for (int i = 0; i < rules.Count; i++)
        {
            _rules[i] = new CompiledRule(rules[i]);
            if (_rules[i].Matcher == RuleMatcher.Detector)
            {
                detectors++;
            }

            if (_rules[i].Strategy.Kind == MaskStrategyKind.Pseudonym && pseudonymKey.Length < MinPseudonymKeyBytes)
            {
                throw new ArgumentException(
                    $"masking rule '{_rules[i].Name}' makes pseudonyms but the pseudonym key is shorter than "
                    + $"{MinPseudonymKeyBytes} bytes", nameof(pseudonymKey));
            }
        }

        if (detectors > MaxDetectorRules)
        {
            throw new ArgumentException($"more than {MaxDetectorRules} detector rules", nameof(rules));
        }

        _key = new PseudonymKey(pseudonymKey);
    }

    /// <summary>A policy without rules: every scope is empty.</summary>
    public static MaskingPolicy Empty { get; } = new([], []);

    /// <summary>The number of rules.</summary>
    public int RuleCount => _rules.Length;

    /// <summary>The rules that apply to a principal, in configuration order.</summary>
    public MaskingScope ForPrincipal(string subject, IReadOnlyList<string> groups)
    {
        ArgumentNullException.ThrowIfNull(subject);
        ArgumentNullException.ThrowIfNull(groups);
        List<CompiledRule> applying = [];
        foreach (CompiledRule rule in _rules)
        {
            if (rule.AppliesTo(subject, groups))
            {
                applying.Add(rule);
            }
        }

        return new MaskingScope([.. applying], _key);
    }

    /// <summary>
    /// Derives a pseudonym key from a configured secret of any length: HMAC-SHA256 keyed with a fixed label,
    /// so the key used for masking differs from the secret stored in the configuration.
    /// </summary>
    public static byte[] DeriveKey(ReadOnlySpan<byte> secret) =>
        HMACSHA256.HashData("sluice masking pseudonym key v1"u8, secret);
}
