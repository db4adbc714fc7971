namespace Sluice.EndToEnd.Reporting;

/// <summary>One of the product's speed targets, what the run measured for it, and whether it holds (null: not measured).</summary>
internal sealed record Target(string Description, string Measured, bool? Met);
