namespace Sluice.Protocols.Postgres;

/// <summary>Text and CSV: row framing and the masker call shared by both formats.</summary>
public sealed partial class PgCopyRowRewriter
{
    private PgCopyRewriteStatus RewriteRow(
        ReadOnlySpan<byte> payload,
        Span<byte> destination,
        PgCopyFieldMasker masker,
        bool csv,
        ref int written,
        ref int maskedFields)
    {
        if (payload.Length == 0 || payload[^1] != (byte)'\n')
        {
            return PgCopyRewriteStatus.NotOneRow;
        }

        int bodyEnd = payload.Length - 1;
        if (bodyEnd > 0 && payload[bodyEnd - 1] == (byte)'\r')
        {
            bodyEnd--;
        }

        ReadOnlySpan<byte> body = payload[..bodyEnd];
        bool isHeaderLine = !_headerDone;
        int position = 0;
        PgCopyRewriteStatus status;
        if (_columnCount == 0)
        {
            // A row of a zero-column table is an empty line.
            status = body.IsEmpty ? PgCopyRewriteStatus.Unchanged : PgCopyRewriteStatus.Malformed;
        }
        else if (csv)
        {
            status = RewriteCsvFields(body, destination, masker, isHeaderLine, ref position, ref maskedFields);
        }
        else
        {
            status = RewriteTextFields(body, destination, masker, isHeaderLine, ref position, ref maskedFields);
        }

        if (status != PgCopyRewriteStatus.Unchanged)
        {
            return status;
        }

        if (!TryCopy(payload[bodyEnd..], destination, ref position))
        {
            return PgCopyRewriteStatus.DestinationTooSmall;
        }

        _headerDone = true;
        written = position;
        return PgCopyRewriteStatus.Unchanged;
    }

    /// <summary>
    /// Asks the masker about one field and writes the result at <paramref name="position"/>. The masker writes
    /// its raw value straight into the destination; <paramref name="csv"/> picks how it is then encoded in place.
    /// Returns Unchanged to mean "go on".
    /// </summary>
    private PgCopyRewriteStatus EmitField(
        int column,
        ReadOnlySpan<byte> raw,
        ReadOnlySpan<byte> value,
        bool isNull,
        bool csv,
        Span<byte> destination,
        PgCopyFieldMasker masker,
        ref int position,
        ref int maskedFields)
    {
        Span<byte> region = destination[position..];
        int result = masker(column, value, isNull, region);
        if (result == PgCopyMaskResult.Unchanged)
        {
            return TryCopy(raw, destination, ref position)
                ? PgCopyRewriteStatus.Unchanged
                : PgCopyRewriteStatus.DestinationTooSmall;
        }

        if (result == PgCopyMaskResult.DestinationTooSmall)
        {
            return PgCopyRewriteStatus.DestinationTooSmall;
        }

        maskedFields++;
        if (result == PgCopyMaskResult.Null)
        {
            return TryCopy(_null, destination, ref position)
                ? PgCopyRewriteStatus.Unchanged
                : PgCopyRewriteStatus.DestinationTooSmall;
        }

        if (result < 0 || result > region.Length)
        {
            return PgCopyRewriteStatus.Malformed;
        }

        int encoded = csv ? EncodeCsvInPlace(region, result) : EncodeTextInPlace(region, result);
        if (encoded < 0)
        {
            return PgCopyRewriteStatus.DestinationTooSmall;
        }

        position += encoded;
        return PgCopyRewriteStatus.Unchanged;
    }

    private bool TryWriteDelimiter(Span<byte> destination, ref int position)
    {
        if (position >= destination.Length)
        {
            return false;
        }

        destination[position++] = _delimiter;
        return true;
    }
}
