namespace Sluice.Masking;

public static partial class Detectors
{
    /// <summary>
    /// local@domain.tld. The local part takes letters, digits and "._%+-" (the characters real addresses use;
    /// quotes and the rarer RFC 5322 symbols are left out because in free text they belong to the surrounding
    /// syntax, as in name='bob@example.com'). The domain needs at least two labels and an alphabetic top-level
    /// label of two or more letters, so "a@b" and "user@localhost" are not addresses here.
    /// </summary>
    private static int FindEmail(ReadOnlySpan<byte> s, int from, out int start)
    {
        int search = from;
        while (search < s.Length)
        {
            int at = s[search..].IndexOf((byte)'@');
            if (at < 0)
            {
                break;
            }

            at += search;
            search = at + 1;
            int localStart = at;
            while (localStart > from && IsLocalChar(s[localStart - 1]))
            {
                localStart--;
            }

            while (localStart < at && s[localStart] == '.')
            {
                localStart++;
            }

            if (!ValidLocal(s[localStart..at]) || WordAt(s, localStart - 1))
            {
                continue;
            }

            int end = DomainEnd(s, at + 1);
            if (end > 0)
            {
                start = localStart;
                return end;
            }
        }

        return NotFound(out start);
    }

    private static bool IsLocalChar(byte b) => IsAlnum(b) || b is (byte)'.' or (byte)'_' or (byte)'%'
        or (byte)'+' or (byte)'-';

    private static bool ValidLocal(ReadOnlySpan<byte> local) =>
        local.Length is > 0 and <= 64 && local[^1] != '.' && local.IndexOf(".."u8) < 0;

    /// <summary>The end of a valid domain starting at <paramref name="p"/>, or -1.</summary>
    private static int DomainEnd(ReadOnlySpan<byte> s, int p)
    {
        int labels = 0;
        int end = -1;
        int lastLabel = -1;
        while (true)
        {
            int q = p;
            while (q < s.Length && (IsAlnum(s[q]) || s[q] == '-'))
            {
                q++;
            }

            int length = q - p;
            if (length is 0 or > 63 || s[p] == '-' || s[q - 1] == '-')
            {
                break;
            }

            labels++;
            end = q;
            lastLabel = p;
            if (ByteAt(s, q, (byte)'.') && q + 1 < s.Length && IsAlnum(s[q + 1]))
            {
                p = q + 1;
                continue;
            }

            break;
        }

        if (labels < 2 || end - lastLabel < 2 || WordAt(s, end) || ByteAt(s, end, (byte)'-')
            || ByteAt(s, end, (byte)'@'))
        {
            return -1;
        }

        for (int i = lastLabel; i < end; i++)
        {
            if (!IsAlpha(s[i]))
            {
                return -1;
            }
        }

        return end;
    }
}
