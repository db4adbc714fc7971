namespace Sluice.Masking;

public static partial class Detectors
{
    private const int MinPhoneBytes = 9;

    /// <summary>
    /// Two shapes. International: '+', a non-zero digit, then 8 to 15 digits in all, in groups split by single
    /// spaces, dashes or dots, optionally one group in parentheses ("+1-555-0123-4567", "+44 20 7946 0958",
    /// "+1 (415) 555-2671", "+14155552671"). North American without '+': an optional "1" and separator, an
    /// area code (2-9 first) bare or in parentheses, then exchange (2-9 first) and line as 3-3-4 with a separator
    /// ("(415) 555-2671", "415-555-2671", "415.555.2671", "1-800-555-0199"). A bare run of ten digits is not a
    /// phone number (it is far more often an identifier), nor are dates, times or dotted addresses.
    /// </summary>
    private static int FindPhone(ReadOnlySpan<byte> s, int from, out int start)
    {
        // The shortest phone number is '+' and eight digits.
        for (int i = NextOf(s, from, PhoneStarts); i + MinPhoneBytes <= s.Length; i++)
        {
            byte c = s[i];
            if ((c != '+' && c != '(' && !IsDigit(c)) || WordAt(s, i - 1) || ByteAt(s, i - 1, (byte)'-') || ByteAt(s, i - 1, (byte)'.')
                || ByteAt(s, i - 1, (byte)'+'))
            {
                continue;
            }

            int end = c == '+' ? InternationalEnd(s, i) : NanpEnd(s, i);
            if (end > 0)
            {
                start = i;
                return end;
            }
        }

        return NotFound(out start);
    }

    private static bool IsPhoneSeparator(byte b) => b is (byte)' ' or (byte)'-' or (byte)'.';

    private static int InternationalEnd(ReadOnlySpan<byte> s, int i)
    {
        int p = i + 1;
        if (!DigitAt(s, p) || s[p] == '0')
        {
            return -1;
        }

        int digits = 0;
        int end = -1;
        bool parenthesised = false;
        while (true)
        {
            bool open = ByteAt(s, p, (byte)'(') && !parenthesised;
            int q = open ? p + 1 : p;
            int run = DigitRun(s, q);
            if (run == 0)
            {
                break;
            }

            q += run;
            if (open)
            {
                if (!ByteAt(s, q, (byte)')'))
                {
                    break;
                }

                q++;
                parenthesised = true;
            }

            digits += run;
            end = q;
            if (digits > 15)
            {
                return -1;
            }

            if (q + 1 < s.Length && IsPhoneSeparator(s[q]) && (IsDigit(s[q + 1]) || s[q + 1] == '('))
            {
                p = q + 1;
            }
            else if (open && (DigitAt(s, q) || ByteAt(s, q, (byte)'(')))
            {
                p = q;
            }
            else
            {
                break;
            }
        }

        return digits >= 8 && !WordAt(s, end) && !ContinuesNumber(s, end) ? end : -1;
    }

    private static int NanpEnd(ReadOnlySpan<byte> s, int i)
    {
        int p = i;
        if (s[p] == '1' && p + 1 < s.Length && IsPhoneSeparator(s[p + 1]))
        {
            p += 2;
        }

        if (ByteAt(s, p, (byte)'('))
        {
            if (DigitRun(s, p + 1) != 3 || !ByteAt(s, p + 4, (byte)')'))
            {
                return -1;
            }

            byte areaFirst = s[p + 1];
            p += 5;
            if (ByteAt(s, p, (byte)' ') || ByteAt(s, p, (byte)'-'))
            {
                p++;
            }

            return ExchangeAndLineEnd(s, p, areaFirst, 0);
        }

        if (DigitRun(s, p) != 3 || p + 3 >= s.Length || !IsPhoneSeparator(s[p + 3]))
        {
            return -1;
        }

        return ExchangeAndLineEnd(s, p + 4, s[p], s[p + 3]);
    }

    /// <summary>
    /// Checks the area code's first digit, then exchange, separator and line from <paramref name="p"/>; after
    /// a bare area code the separator must be the same one throughout.
    /// </summary>
    private static int ExchangeAndLineEnd(ReadOnlySpan<byte> s, int p, byte areaFirst, byte separator)
    {
        if (areaFirst < '2' || DigitRun(s, p) != 3 || s[p] < '2' || p + 3 >= s.Length)
        {
            return -1;
        }

        byte between = s[p + 3];
        if (!IsPhoneSeparator(between) || (separator != 0 && between != separator) || DigitRun(s, p + 4) != 4)
        {
            return -1;
        }

        int end = p + 8;
        return WordAt(s, end) || ContinuesNumber(s, end) ? -1 : end;
    }
}
