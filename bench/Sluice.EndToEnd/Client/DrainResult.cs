namespace Sluice.EndToEnd.Client;

/// <summary>What one drained answer amounted to on the wire.</summary>
internal readonly record struct DrainResult(long Bytes, long Rows);
