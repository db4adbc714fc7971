namespace Sluice.Core.Recording;

/// <summary>One result column as the server described it.</summary>
/// <param name="Name">Column name.</param>
/// <param name="TypeName">Type name or number as text, whatever the protocol layer knows.</param>
/// <param name="IsBinary">Cells of this column arrive in binary format; replay shows them as hex.</param>
public readonly record struct RecordedColumn(string Name, string TypeName, bool IsBinary);
