namespace Sluice.Core.Recording;

/// <summary>
/// Renders one binary-format cell as text for replay, given the column's type name, or returns null to
/// fall back to hex. Each protocol knows its own binary encodings; the core does not.
/// </summary>
public delegate string? BinaryCellRenderer(string typeName, ReadOnlySpan<byte> value);

/// <summary>How much of each result a replay shows, and how binary cells are shown.</summary>
public sealed record ReplayOptions(int MaxRowsPerResult = 50, int MaxCellChars = 60, BinaryCellRenderer? BinaryRenderer = null);
