namespace Sluice.Masking;

/// <summary>A masking strategy with its parameters.</summary>
/// <param name="Kind">What to do.</param>
/// <param name="Keep">For <see cref="MaskStrategyKind.KeepLast"/>: how many trailing characters stay visible.</param>
/// <param name="FixedValue">For <see cref="MaskStrategyKind.Fixed"/>: the replacement text (an integer for
/// integer columns).</param>
public sealed record MaskStrategy(MaskStrategyKind Kind, int Keep = 4, string? FixedValue = null);
