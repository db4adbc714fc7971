namespace Sluice.Masking;

public static partial class Detectors
{
    /// <summary>
    /// Four decimal octets 0-255 without leading zeros ("010" is ambiguous and more often not an address),
    /// not preceded by a letter, digit or '.', not followed by one or by '.' or '-' and a letter or digit:
    /// "1.2.3.4.5", "v1.2.3.4" and "2.0.0.1-beta" are version strings, not addresses.
    /// A port (":5432") or prefix length ("/24") may follow.
    /// </summary>
    private static int FindIPv4(ReadOnlySpan<byte> s, int from, out int start)
    {
        for (int i = NextDigit(s, from); i + 7 <= s.Length; i++)
        {
            if (!IsDigit(s[i]) || WordAt(s, i - 1) || ByteAt(s, i - 1, (byte)'.'))
            {
                continue;
            }

            int end = IPv4End(s, i);
            bool continues = (ByteAt(s, end, (byte)'.') || ByteAt(s, end, (byte)'-')) && WordAt(s, end + 1);
            if (end > 0 && !WordAt(s, end) && !continues)
            {
                start = i;
                return end;
            }
        }

        return NotFound(out start);
    }

    /// <summary>The end of a dotted quad starting at <paramref name="i"/>, or -1.</summary>
    private static int IPv4End(ReadOnlySpan<byte> s, int i)
    {
        int p = i;
        for (int octet = 0; octet < 4; octet++)
        {
            if (octet > 0)
            {
                if (!ByteAt(s, p, (byte)'.'))
                {
                    return -1;
                }

                p++;
            }

            int run = DigitRun(s, p);
            if (run is 0 or > 3 || (run > 1 && s[p] == '0'))
            {
                return -1;
            }

            int value = 0;
            for (int k = 0; k < run; k++)
            {
                value = (value * 10) + (s[p + k] - '0');
            }

            if (value > 255)
            {
                return -1;
            }

            p += run;
        }

        return p;
    }

    /// <summary>
    /// Eight groups of 1-4 hex digits, or fewer with one "::", optionally ending in a dotted quad (two groups).
    /// A compressed form needs two groups, or one after a leading "::" ("::1"), or one holding a decimal digit
    /// ("fe80::", but not the word "face::"). Times ("12:30:45") and MAC
    /// addresses have too few groups and no "::"; a candidate glued to letters, digits, ':' or '.' is skipped.
    /// </summary>
    private static int FindIPv6(ReadOnlySpan<byte> s, int from, out int start)
    {
        for (int i = NextOf(s, from, IPv6Starts); i + 3 <= s.Length; i++)
        {
            byte c = s[i];
            if ((!IsHex(c) && c != ':') || WordAt(s, i - 1) || ByteAt(s, i - 1, (byte)':')
                || ByteAt(s, i - 1, (byte)'.'))
            {
                continue;
            }

            int end = IPv6End(s, i);
            if (end > 0)
            {
                start = i;
                return end;
            }
        }

        return NotFound(out start);
    }

    private static int IPv6End(ReadOnlySpan<byte> s, int i)
    {
        int p = i;
        int groups = 0;
        bool compressed = false;
        bool leadingCompression = false;
        int end = -1;
        if (s[p] == ':')
        {
            if (!ByteAt(s, p + 1, (byte)':'))
            {
                return -1;
            }

            compressed = leadingCompression = true;
            p += 2;
            end = p;
        }

        while (groups < 8)
        {
            int q = p;
            while (q < s.Length && q - p <= 4 && IsHex(s[q]))
            {
                q++;
            }

            int run = q - p;
            if (run == 0)
            {
                break;
            }

            if (ByteAt(s, q, (byte)'.') && DigitAt(s, q + 1))
            {
                int tail = run <= 3 && groups <= 6 ? IPv4End(s, p) : -1;
                if (tail < 0)
                {
                    return -1;
                }

                groups += 2;
                end = tail;
                break;
            }

            if (run > 4)
            {
                return -1;
            }

            groups++;
            end = q;
            p = q;
            if (ByteAt(s, p, (byte)':') && ByteAt(s, p + 1, (byte)':'))
            {
                if (compressed)
                {
                    return -1;
                }

                compressed = true;
                p += 2;
                end = p;
                continue;
            }

            if (ByteAt(s, p, (byte)':') && p + 1 < s.Length && IsHex(s[p + 1]))
            {
                p++;
                continue;
            }

            break;
        }

        bool shape = compressed
            ? groups is >= 1 and <= 7 && (groups >= 2 || leadingCompression || HasDigit(s[i..end]))
            : groups == 8;
        if (!shape || end < 0 || WordAt(s, end) || ByteAt(s, end, (byte)':')
            || (ByteAt(s, end, (byte)'.') && WordAt(s, end + 1)))
        {
            return -1;
        }

        return end;
    }

    private static bool HasDigit(ReadOnlySpan<byte> s) => s.IndexOfAnyInRange((byte)'0', (byte)'9') >= 0;
}
