namespace Sluice.Protocols.Postgres;

/// <summary>Outcome of <see cref="PgCopyRowRewriter.Rewrite"/> for one CopyData payload.</summary>
public enum PgCopyRewriteStatus
{
    /// <summary>At least one field was replaced; the destination holds the new payload.</summary>
    Rewritten,

    /// <summary>No field was replaced; the destination holds an exact copy of the payload.</summary>
    Unchanged,

    /// <summary>
    /// The destination (or the masker's slice of it) is too small. Nothing was consumed: the rewriter's state is
    /// as before the call, so the caller may retry the same payload with a bigger buffer.
    /// </summary>
    DestinationTooSmall,

    /// <summary>
    /// Text/CSV: the payload is not exactly one newline-terminated row (several rows, a row cut across messages,
    /// or an empty payload). The fields cannot be masked safely; the gateway should refuse the COPY.
    /// </summary>
    NotOneRow,

    /// <summary>
    /// The payload breaks the format: wrong field count, an escape that decodes to a zero byte, a bad binary
    /// signature or flags, a truncated binary tuple, data after the binary trailer, or an invalid masker result.
    /// </summary>
    Malformed,
}
