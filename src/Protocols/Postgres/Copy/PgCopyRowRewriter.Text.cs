namespace Sluice.Protocols.Postgres;

/// <summary>Text format: backslash escapes decoded for the masker and applied again to its output.</summary>
public sealed partial class PgCopyRowRewriter
{
    private PgCopyRewriteStatus RewriteTextFields(
        ReadOnlySpan<byte> body,
        Span<byte> destination,
        PgCopyFieldMasker masker,
        bool isHeaderLine,
        ref int position,
        ref int maskedFields)
    {
        // Outside CSV quotes a raw line break can only end a row; the server escapes those inside values.
        if (body.IndexOfAny((byte)'\n', (byte)'\r') >= 0)
        {
            return PgCopyRewriteStatus.NotOneRow;
        }

        int start = 0;
        for (int column = 0; ; column++)
        {
            int end = start;
            bool escaped = false;
            while (true)
            {
                int next = body[end..].IndexOfAny(_delimiter, (byte)'\\');
                if (next < 0)
                {
                    end = body.Length;
                    break;
                }

                end += next;
                if (body[end] == _delimiter)
                {
                    break;
                }

                // A backslash as the last byte would escape the row's own newline: the row goes on elsewhere.
                if (end + 1 >= body.Length)
                {
                    return PgCopyRewriteStatus.NotOneRow;
                }

                escaped = true;
                end += 2;
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
            PgCopyRewriteStatus status = isHeaderLine
                ? (TryCopy(raw, destination, ref position)
                    ? PgCopyRewriteStatus.Unchanged
                    : PgCopyRewriteStatus.DestinationTooSmall)
                : TextField(column, raw, escaped, destination, masker, ref position, ref maskedFields);
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

    private PgCopyRewriteStatus TextField(
        int column,
        ReadOnlySpan<byte> raw,
        bool escaped,
        Span<byte> destination,
        PgCopyFieldMasker masker,
        ref int position,
        ref int maskedFields)
    {
        // The NULL string is matched before unescaping, as the server's reader does.
        bool isNull = raw.SequenceEqual(_null);
        ReadOnlySpan<byte> value = raw;
        if (isNull)
        {
            value = default;
        }
        else if (escaped)
        {
            Span<byte> scratch = Scratch(raw.Length);
            int length = DecodeText(raw, scratch);
            if (length < 0)
            {
                return PgCopyRewriteStatus.Malformed;
            }

            value = scratch[..length];
        }

        return EmitField(column, raw, value, isNull, false, destination, masker, ref position, ref maskedFields);
    }

    /// <summary>Undoes the text escapes; -1 when one decodes to a zero byte, which no text value holds.</summary>
    private static int DecodeText(ReadOnlySpan<byte> raw, Span<byte> output)
    {
        int length = 0;
        for (int i = 0; i < raw.Length; i++)
        {
            byte c = raw[i];
            if (c != (byte)'\\')
            {
                output[length++] = c;
                continue;
            }

            // The field scan guarantees a byte after every backslash.
            c = raw[++i];
            if (c is >= (byte)'0' and <= (byte)'7')
            {
                int octal = c - '0';
                for (int digits = 1; digits < 3 && i + 1 < raw.Length && raw[i + 1] is >= (byte)'0' and <= (byte)'7';
                    digits++)
                {
                    octal = (octal * 8) + (raw[++i] - '0');
                }

                c = (byte)(octal & 0xFF);
            }
            else if (c == (byte)'x' && i + 1 < raw.Length && HexValue(raw[i + 1]) >= 0)
            {
                int hex = HexValue(raw[++i]);
                if (i + 1 < raw.Length && HexValue(raw[i + 1]) >= 0)
                {
                    hex = (hex * 16) + HexValue(raw[++i]);
                }

                c = (byte)hex;
            }
            else
            {
                c = c switch
                {
                    (byte)'b' => 0x08,
                    (byte)'f' => 0x0C,
                    (byte)'n' => (byte)'\n',
                    (byte)'r' => (byte)'\r',
                    (byte)'t' => (byte)'\t',
                    (byte)'v' => 0x0B,
                    _ => c,
                };
            }

            if (c == 0)
            {
                return -1;
            }

            output[length++] = c;
        }

        return length;
    }

    private static int HexValue(byte c) => c switch
    {
        >= (byte)'0' and <= (byte)'9' => c - '0',
        >= (byte)'a' and <= (byte)'f' => c - 'a' + 10,
        >= (byte)'A' and <= (byte)'F' => c - 'A' + 10,
        _ => -1,
    };

    /// <summary>
    /// Escapes the <paramref name="length"/> bytes at the start of <paramref name="region"/> in place as the
    /// server does: control characters with a letter escape (\b \f \n \r \t \v), backslash and the delimiter
    /// with a backslash, everything else as is. Returns the encoded length, or -1 when it does not fit.
    /// </summary>
    private int EncodeTextInPlace(Span<byte> region, int length)
    {
        int first = region[..length].IndexOfAny(_textEscaped);
        if (first < 0)
        {
            return length;
        }

        int extra = 0;
        for (int i = first; i < length; i++)
        {
            if (TextEscapeLetter(region[i]) != 0)
            {
                extra++;
            }
        }

        int total = length + extra;
        if (total > region.Length)
        {
            return -1;
        }

        // Walk backwards so every byte is read before the expansion overwrites it.
        int j = total - 1;
        for (int i = length - 1; i >= 0; i--)
        {
            byte c = region[i];
            byte letter = TextEscapeLetter(c);
            if (letter == 0)
            {
                region[j--] = c;
            }
            else
            {
                region[j--] = letter;
                region[j--] = (byte)'\\';
            }
        }

        return total;
    }

    private byte TextEscapeLetter(byte c) => c switch
    {
        0x08 => (byte)'b',
        0x0C => (byte)'f',
        (byte)'\n' => (byte)'n',
        (byte)'\r' => (byte)'r',
        (byte)'\t' => (byte)'t',
        0x0B => (byte)'v',
        (byte)'\\' => (byte)'\\',
        _ => c == _delimiter ? c : (byte)0,
    };
}
