namespace Sluice.Core.Recording;

/// <summary>How much of each result <see cref="ReplayFormatter"/> prints.</summary>
/// <param name="MaxRowsPerResult">Rows shown per result; the rest are summarised in one line.</param>
/// <param name="MaxCellChars">Characters shown per cell before it is cut with an ellipsis.</param>
public sealed record ReplayOptions(int MaxRowsPerResult = 50, int MaxCellChars = 60);
