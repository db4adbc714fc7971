namespace Sluice.Core.Policy;

/// <summary>
/// Per-statement volume threshold: when one statement returns more than <see cref="Rows"/> rows or more
/// than <see cref="Bytes"/> bytes, the rest of its result needs approval.
/// </summary>
public sealed record VolumeLimit(string RuleName, long? Rows, long? Bytes, ApprovalMode Mode, TimeSpan Timeout)
{
    /// <summary>True when the counts so far are above either threshold.</summary>
    public bool IsExceeded(long rows, long bytes) => rows > Rows || bytes > Bytes;
}
