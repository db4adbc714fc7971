namespace Sluice.Protocols.Postgres;

/// <summary>
/// Decides the new value of one field of a COPY row. <paramref name="value"/> is the decoded value (unescaped
/// text, unquoted CSV, or the binary field's bytes); it is empty when <paramref name="isNull"/> is true.
/// Returns the number of bytes written into <paramref name="destination"/> (raw value, the rewriter encodes it),
/// <see cref="PgCopyMaskResult.Null"/> for NULL, <see cref="PgCopyMaskResult.DestinationTooSmall"/> when the
/// value does not fit, or <see cref="PgCopyMaskResult.Unchanged"/> to keep the original bytes exactly.
/// </summary>
/// <remarks>
/// <paramref name="destination"/> is the rest of the caller's output buffer; a masker that reports it too small
/// makes <see cref="PgCopyRowRewriter.Rewrite"/> return <see cref="PgCopyRewriteStatus.DestinationTooSmall"/>.
/// </remarks>
public delegate int PgCopyFieldMasker(int column, ReadOnlySpan<byte> value, bool isNull, Span<byte> destination);
