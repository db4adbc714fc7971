namespace Sluice.Protocols.Postgres;

/// <summary>CSV format: quoted sections decoded for the masker, its output quoted where the server quotes.</summary>
public sealed partial class PgCopyRowRewriter
{
    private PgCopyRewriteStatus RewriteCsvFields(
        ReadOnlySpan<byte> body,
        Span<byte> destination,
        PgCopyFieldMasker masker,
        bool isHeaderLine,
        ref int position,
        ref int maskedFields)
    {
        int start = 0;
        for (int column = 0; ; column++)
        {
            int end = ScanCsvField(body, start, out bool quoted);
            if (end < 0)
            {
                return PgCopyRewriteStatus.NotOneRow;
            }

            if (column >= _columnCount)
            {
                return PgCopyRewriteStatus.Malformed;
            }

            if (column > 0 && !TryWriteDelimiter(destination, ref position))
            {
                return PgCopyRewriteStatus.DestinationTooSmall;
            }

            ReadOnlySpan<byte> raw = body[start..end];
            PgCopyRewriteStatus status;
            if (isHeaderLine)
            {
                status = TryCopy(raw, destination, ref position)
                    ? PgCopyRewriteStatus.Unchanged
                    : PgCopyRewriteStatus.DestinationTooSmall;
            }
            else
            {
                // Only an unquoted field can be NULL: "" is an empty string even when the NULL string is empty.
                bool isNull = !quoted && raw.SequenceEqual(_null);
                ReadOnlySpan<byte> value = raw;
                if (isNull)
                {
                    value = default;
                }
                else if (quoted)
                {
                    Span<byte> scratch = Scratch(raw.Length);
                    value = scratch[..DecodeCsv(raw, scratch)];
                }

                status = EmitField(
                    column, raw, value, isNull, true, destination, masker, ref position, ref maskedFields);
            }

            if (status != PgCopyRewriteStatus.Unchanged)
            {
                return status;
            }

            if (end == body.Length)
            {
                return column + 1 == _columnCount ? PgCopyRewriteStatus.Unchanged : PgCopyRewriteStatus.Malformed;
            }

            start = end + 1;
        }
    }

    /// <summary>
    /// Finds where the field starting at <paramref name="start"/> ends (at a delimiter or the body's end). A quote
    /// anywhere outside a quoted section opens one, as in the server's reader. Returns -1 when a line break sits
    /// outside quotes or a quoted section is still open at the end: the payload is not exactly one row.
    /// </summary>
    private int ScanCsvField(ReadOnlySpan<byte> body, int start, out bool quoted)
    {
        quoted = false;
        int i = start;
        while (true)
        {
            int next = body[i..].IndexOfAny(_csvUnquotedStops);
            if (next < 0)
            {
                return body.Length;
            }

            i += next;
            byte c = body[i];
            if (c == _delimiter)
            {
                return i;
            }

            if (c != _quote)
            {
                return -1;
            }

            quoted = true;
            i++;
            while (true)
            {
                int stop = _quote == _escape ? body[i..].IndexOf(_quote) : body[i..].IndexOfAny(_quote, _escape);
                if (stop < 0)
                {
                    return -1;
                }

                i += stop;
                if (body[i] == _escape && i + 1 < body.Length && (body[i + 1] == _escape || body[i + 1] == _quote))
                {
                    i += 2;
                    continue;
                }

                i++;
                if (body[i - 1] == _quote)
                {
                    break;
                }
            }
        }
    }

    /// <summary>Removes quotes and escapes from a field <see cref="ScanCsvField"/> accepted.</summary>
    private int DecodeCsv(ReadOnlySpan<byte> raw, Span<byte> output)
    {
        int length = 0;
        bool inQuotes = false;
        for (int i = 0; i < raw.Length; i++)
        {
            byte c = raw[i];
            if (!inQuotes)
            {
                if (c == _quote)
                {
                    inQuotes = true;
                }
                else
                {
                    output[length++] = c;
                }
            }
            else if (c == _escape && i + 1 < raw.Length && (raw[i + 1] == _escape || raw[i + 1] == _quote))
            {
                output[length++] = raw[++i];
            }
            else if (c == _quote)
            {
                inQuotes = false;
            }
            else
            {
                output[length++] = c;
            }
        }

        return length;
    }

    /// <summary>
    /// Quotes the <paramref name="length"/> bytes at the start of <paramref name="region"/> in place when the
    /// server would: the value equals the NULL string, holds the delimiter, the quote, CR or LF, or is "\." alone
    /// in a one-column row. Inside quotes the quote and escape characters get the escape character before them.
    /// Returns the encoded length, or -1 when it does not fit.
    /// </summary>
    private int EncodeCsvInPlace(Span<byte> region, int length)
    {
        ReadOnlySpan<byte> value = region[..length];
        bool quote = value.SequenceEqual(_null)
            || (_columnCount == 1 && length == 2 && value[0] == (byte)'\\' && value[1] == (byte)'.')
            || value.IndexOfAny(_csvUnquotedStops) >= 0;
        if (!quote)
        {
            return length;
        }

        int extra = 0;
        foreach (byte c in value)
        {
            if (c == _quote || c == _escape)
            {
                extra++;
            }
        }

        int total = length + extra + 2;
        if (total > region.Length)
        {
            return -1;
        }

        int j = total - 1;
        region[j--] = _quote;
        for (int i = length - 1; i >= 0; i--)
        {
            byte c = region[i];
            region[j--] = c;
            if (c == _quote || c == _escape)
            {
                region[j--] = _escape;
            }
        }

        region[0] = _quote;
        return total;
    }
}
