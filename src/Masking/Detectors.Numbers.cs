namespace Sluice.Masking;

public static partial class Detectors
{
    private const int MaxCardGroups = 8;

    private const int MinCardDigits = 13;

    /// <summary>
    /// 13 to 19 digits, either unbroken or in groups split by one kind of separator (single spaces or single
    /// dashes) where the first group has 4 digits and every group 3 to 6 (4-4-4-4, 4-6-5, 4-4-4-4-3). The
    /// first digit must be 2 to 6 (the banking and financial issuer ranges: Mastercard 2 and 5, Amex and
    /// Diners 3, Visa 4, Discover and UnionPay 6), which keeps epoch-microsecond timestamps (starting with 1)
    /// out, and the Luhn check must hold, which keeps nine in ten order numbers out.
    /// </summary>
    private static int FindCard(ReadOnlySpan<byte> s, int from, out int start)
    {
        if (s.Length - from < MinCardDigits)
        {
            return NotFound(out start);
        }

        Span<int> groupEnds = stackalloc int[MaxCardGroups];
        // A card starting at i holds at least 13 digits, so at least 13 bytes must remain.
        int i = NextDigit(s, from);
        while (s.Length - i >= MinCardDigits)
        {
            if (!IsDigit(s[i]) || WordAt(s, i - 1) || ByteAt(s, i - 1, (byte)'+') || ByteAt(s, i - 1, (byte)'.'))
            {
                i++;
                continue;
            }

            int groups = 0;
            byte separator = 0;
            int p = i;
            while (true)
            {
                p += DigitRun(s, p);
                groupEnds[groups++] = p;
                if (groups < MaxCardGroups && p + 1 < s.Length && s[p] is (byte)' ' or (byte)'-'
                    && IsDigit(s[p + 1]) && (separator == 0 || separator == s[p]))
                {
                    separator = s[p];
                    p++;
                    continue;
                }

                break;
            }

            for (int k = groups; k >= 1; k--)
            {
                int end = groupEnds[k - 1];
                bool whole = k == groups;
                if (whole ? WordAt(s, end) || ContinuesNumber(s, end) : separator != ' ')
                {
                    continue;
                }

                if (ValidCard(s[i..end], groupEnds[..k], i))
                {
                    start = i;
                    return end;
                }
            }

            i = groupEnds[groups - 1];
        }

        return NotFound(out start);
    }

    private static bool ValidCard(ReadOnlySpan<byte> candidate, ReadOnlySpan<int> groupEnds, int offset)
    {
        if (candidate[0] is < (byte)'2' or > (byte)'6')
        {
            return false;
        }

        if (groupEnds.Length > 1)
        {
            int groupStart = offset;
            for (int g = 0; g < groupEnds.Length; g++)
            {
                int size = groupEnds[g] - groupStart;
                if ((g == 0 && size != 4) || size is < 3 or > 6)
                {
                    return false;
                }

                groupStart = groupEnds[g] + 1;
            }
        }

        int digits = 0;
        int sum = 0;
        for (int i = candidate.Length - 1; i >= 0; i--)
        {
            if (!IsDigit(candidate[i]))
            {
                continue;
            }

            int d = candidate[i] - '0';
            if ((digits & 1) == 1)
            {
                d *= 2;
                if (d > 9)
                {
                    d -= 9;
                }
            }

            sum += d;
            digits++;
        }

        return digits is >= MinCardDigits and <= 19 && sum % 10 == 0;
    }

    /// <summary>
    /// AAA-GG-SSSS with dashes only, area not 000, 666 or 900-999, group not 00, serial not 0000. Nine bare
    /// digits are not taken as an SSN even as a whole value: in columns no rule covers they are far more
    /// often identifiers, and a column known to hold SSNs should carry a provenance rule instead.
    /// </summary>
    private static int FindSsn(ReadOnlySpan<byte> s, int from, out int start)
    {
        for (int i = NextDigit(s, from); i + 11 <= s.Length; i++)
        {
            if (!IsDigit(s[i]) || WordAt(s, i - 1) || ByteAt(s, i - 1, (byte)'-') || ByteAt(s, i - 1, (byte)'.'))
            {
                continue;
            }

            if (DigitRun(s, i) != 3 || s[i + 3] != '-' || DigitRun(s, i + 4) != 2 || s[i + 6] != '-'
                || DigitRun(s, i + 7) != 4 || WordAt(s, i + 11) || ContinuesNumber(s, i + 11))
            {
                continue;
            }

            int area = ((s[i] - '0') * 100) + ((s[i + 1] - '0') * 10) + (s[i + 2] - '0');
            bool group00 = s[i + 4] == '0' && s[i + 5] == '0';
            bool serial0000 = s.Slice(i + 7, 4).SequenceEqual("0000"u8);
            if (area is 0 or 666 or >= 900 || group00 || serial0000)
            {
                continue;
            }

            start = i;
            return i + 11;
        }

        return NotFound(out start);
    }

    /// <summary>
    /// Two upper-case letters, two check digits and 11 to 30 upper-case letters or digits (15 to 34 in all),
    /// unbroken or with single spaces after every fourth character; the ISO 7064 mod-97 check must equal 1.
    /// </summary>
    private static int FindIban(ReadOnlySpan<byte> s, int from, out int start)
    {
        for (int i = NextUpper(s, from); i + 15 <= s.Length; i++)
        {
            if (!IsUpper(s[i]) || !IsUpper(s[i + 1]) || !IsDigit(s[i + 2]) || !IsDigit(s[i + 3]) || WordAt(s, i - 1))
            {
                continue;
            }

            int end = s[i + 4] == ' ' ? SpacedIbanEnd(s, i) : CompactIbanEnd(s, i);
            if (end > 0)
            {
                start = i;
                return end;
            }
        }

        return NotFound(out start);
    }

    private static bool IsIbanChar(byte b) => IsUpper(b) || IsDigit(b);

    private static int CompactIbanEnd(ReadOnlySpan<byte> s, int i)
    {
        int q = i + 4;
        while (q < s.Length && IsIbanChar(s[q]))
        {
            q++;
        }

        return q - i is >= 15 and <= 34 && !WordAt(s, q) && Mod97(s[i..q]) ? q : -1;
    }

    private static int SpacedIbanEnd(ReadOnlySpan<byte> s, int i)
    {
        Span<int> groupEnds = stackalloc int[9];
        int groups = 0;
        int p = i + 5;
        while (groups < groupEnds.Length)
        {
            int q = p;
            while (q < s.Length && IsIbanChar(s[q]))
            {
                q++;
            }

            if (q == p || q - p > 4)
            {
                break;
            }

            groupEnds[groups++] = q;
            if (q - p == 4 && q + 1 < s.Length && s[q] == ' ' && IsIbanChar(s[q + 1]))
            {
                p = q + 1;
                continue;
            }

            break;
        }

        for (int k = groups; k >= 1; k--)
        {
            int end = groupEnds[k - 1];
            int chars = 4 + ((k - 1) * 4) + (end - (k == 1 ? i + 5 : groupEnds[k - 2] + 1));
            if (chars is >= 15 and <= 34 && !WordAt(s, end) && Mod97(s[i..end]))
            {
                return end;
            }
        }

        return -1;
    }

    /// <summary>ISO 13616: move the first four characters to the end, letters count 10-35, remainder 1.</summary>
    private static bool Mod97(ReadOnlySpan<byte> iban)
    {
        int remainder = 0;
        for (int n = 0; n < iban.Length; n++)
        {
            byte c = iban[(n + 4) % iban.Length];
            if (c == ' ')
            {
                continue;
            }

            remainder = IsDigit(c) ? ((remainder * 10) + (c - '0')) % 97 : ((remainder * 100) + (c - 'A' + 10)) % 97;
        }

        return remainder == 1;
    }
}
