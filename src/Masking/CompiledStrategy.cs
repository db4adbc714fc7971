using System.Globalization;
using System.Text;

namespace Sluice.Masking;

/// <summary>A <see cref="MaskStrategy"/> checked once and turned into what the hot path needs.</summary>
internal sealed class CompiledStrategy
{
    /// <summary>Longest accepted fixed replacement: it bounds <see cref="ResultMaskPlan.MaxMaskedLength"/>.</summary>
    internal const int MaxFixedBytes = 128;

    private CompiledStrategy(MaskStrategyKind kind, int keep, byte[] fixedText, long? fixedInteger)
    {
        Kind = kind;
        Keep = keep;
        FixedText = fixedText;
        FixedInteger = fixedInteger;
    }

    /// <summary>What the fail-closed masking of an unclaimed derived column does.</summary>
    internal static CompiledStrategy FailClosed { get; } = new(MaskStrategyKind.Redact, 0, [], null);

    internal MaskStrategyKind Kind { get; }

    internal int Keep { get; }

    /// <summary>The fixed value's UTF-8 bytes (text columns).</summary>
    internal byte[] FixedText { get; }

    /// <summary>The fixed value as an integer, when it is one; integer columns it does not fit get NULL.</summary>
    internal long? FixedInteger { get; }

    internal static CompiledStrategy Compile(MaskStrategy strategy, string ruleName)
    {
        ArgumentNullException.ThrowIfNull(strategy, nameof(MaskRule.Strategy));
        if (!Enum.IsDefined(strategy.Kind))
        {
            throw new ArgumentException($"masking rule '{ruleName}' has an unknown strategy", nameof(strategy));
        }

        if (strategy.Kind == MaskStrategyKind.KeepLast && strategy.Keep < 0)
        {
            throw new ArgumentException($"masking rule '{ruleName}' keeps a negative number of characters",
                nameof(strategy));
        }

        byte[] fixedText = [];
        long? fixedInteger = null;
        if (strategy.Kind == MaskStrategyKind.Fixed)
        {
            if (strategy.FixedValue is null)
            {
                throw new ArgumentException($"masking rule '{ruleName}' uses a fixed value but gives none",
                    nameof(strategy));
            }

            fixedText = Encoding.UTF8.GetBytes(strategy.FixedValue);
            if (fixedText.Length > MaxFixedBytes)
            {
                throw new ArgumentException(
                    $"masking rule '{ruleName}' has a fixed value longer than {MaxFixedBytes} bytes", nameof(strategy));
            }

            if (long.TryParse(strategy.FixedValue, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture,
                out long parsed))
            {
                fixedInteger = parsed;
            }
        }

        return new CompiledStrategy(strategy.Kind, strategy.Keep, fixedText, fixedInteger);
    }
}
