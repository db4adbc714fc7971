using System.Buffers;

namespace Sluice.Masking;

/// <summary>
/// Recognises sensitive values in UTF-8 text without allocating. <see cref="IsMatch"/> asks whether a whole
/// value (surrounding ASCII whitespace ignored) is one such value; <see cref="TryFind"/> finds the first
/// occurrence inside free text. Matches must stand on their own: a candidate glued to letters or digits (or,
/// for dotted and dashed forms, to a longer dotted or dashed sequence) is not a match, which keeps order
/// numbers, version strings and hex identifiers out.
/// </summary>
public static partial class Detectors
{
    /// <summary>True when the whole (trimmed) value is one value of <paramref name="kind"/>.</summary>
    public static bool IsMatch(DetectorKind kind, ReadOnlySpan<byte> utf8)
    {
        ReadOnlySpan<byte> trimmed = utf8.Trim(" \t\r\n"u8);
        return trimmed.Length > 0
            && Find(kind, trimmed, 0, out int start, out int length)
            && start == 0
            && length == trimmed.Length;
    }

    /// <summary>Finds the first occurrence of <paramref name="kind"/> inside free text.</summary>
    public static bool TryFind(DetectorKind kind, ReadOnlySpan<byte> utf8, out int start, out int length) =>
        Find(kind, utf8, 0, out start, out length);

    /// <summary>Parses a configuration name ("email", "card_number", ...) case-insensitively.</summary>
    public static bool TryParse(string name, out DetectorKind kind)
    {
        ArgumentNullException.ThrowIfNull(name);
        foreach (DetectorKind candidate in Enum.GetValues<DetectorKind>())
        {
            if (string.Equals(ConfigName(candidate), name, StringComparison.OrdinalIgnoreCase))
            {
                kind = candidate;
                return true;
            }
        }

        kind = default;
        return false;
    }

    /// <summary>The name a configuration uses for <paramref name="kind"/>.</summary>
    public static string ConfigName(DetectorKind kind) => kind switch
    {
        DetectorKind.Email => "email",
        DetectorKind.CardNumber => "card_number",
        DetectorKind.UsSsn => "us_ssn",
        DetectorKind.Iban => "iban",
        DetectorKind.Phone => "phone",
        DetectorKind.IPv4 => "ipv4",
        DetectorKind.IPv6 => "ipv6",
        DetectorKind.Jwt => "jwt",
        DetectorKind.CloudAccessKey => "cloud_access_key",
        DetectorKind.PemPrivateKey => "pem_private_key",
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    /// <summary>
    /// Finds the first occurrence starting at or after <paramref name="from"/>; the bytes before
    /// <paramref name="from"/> still count for the boundary check.
    /// </summary>
    internal static bool Find(DetectorKind kind, ReadOnlySpan<byte> s, int from, out int start, out int length)
    {
        int end = kind switch
        {
            DetectorKind.Email => FindEmail(s, from, out start),
            DetectorKind.CardNumber => FindCard(s, from, out start),
            DetectorKind.UsSsn => FindSsn(s, from, out start),
            DetectorKind.Iban => FindIban(s, from, out start),
            DetectorKind.Phone => FindPhone(s, from, out start),
            DetectorKind.IPv4 => FindIPv4(s, from, out start),
            DetectorKind.IPv6 => FindIPv6(s, from, out start),
            DetectorKind.Jwt => FindJwt(s, from, out start),
            DetectorKind.CloudAccessKey => FindCloudKey(s, from, out start),
            DetectorKind.PemPrivateKey => FindPem(s, from, out start),
            _ => throw new ArgumentOutOfRangeException(nameof(kind)),
        };
        length = end - start;
        return end >= 0;
    }

    /// <summary>Where a phone number can start: '+', '(' or a digit.</summary>
    private static readonly SearchValues<byte> PhoneStarts = SearchValues.Create("+(0123456789"u8);

    /// <summary>Where an IPv6 address can start: a hex digit or ':'.</summary>
    private static readonly SearchValues<byte> IPv6Starts = SearchValues.Create("0123456789ABCDEFabcdef:"u8);

    private static bool IsDigit(byte b) => (uint)(b - '0') <= 9;

    /// <summary>
    /// Each scanner first jumps to the first byte a match can start with using these vectorised searches, so a
    /// value with no candidate at all (most free text for most detectors) costs one search; from there the byte
    /// loop goes on, which is cheaper than a search per step where candidates are dense. They return
    /// <paramref name="s"/>'s length when there is no candidate.
    /// </summary>
    private static int NextDigit(ReadOnlySpan<byte> s, int i)
    {
        int next = s[i..].IndexOfAnyInRange((byte)'0', (byte)'9');
        return next < 0 ? s.Length : i + next;
    }

    private static int NextUpper(ReadOnlySpan<byte> s, int i)
    {
        int next = s[i..].IndexOfAnyInRange((byte)'A', (byte)'Z');
        return next < 0 ? s.Length : i + next;
    }

    private static int NextOf(ReadOnlySpan<byte> s, int i, SearchValues<byte> starts)
    {
        int next = s[i..].IndexOfAny(starts);
        return next < 0 ? s.Length : i + next;
    }

    private static bool IsUpper(byte b) => (uint)(b - 'A') <= 25;

    private static bool IsAlpha(byte b) => (uint)((b | 0x20) - 'a') <= 25;

    private static bool IsAlnum(byte b) => IsDigit(b) || IsAlpha(b);

    private static bool IsHex(byte b) => IsDigit(b) || (uint)((b | 0x20) - 'a') <= 5;

    /// <summary>Letters, digits, '_' and any non-ASCII byte (letters of other scripts) glue to a match.</summary>
    private static bool IsWord(byte b) => IsAlnum(b) || b == '_' || b >= 0x80;

    private static bool WordAt(ReadOnlySpan<byte> s, int i) => (uint)i < (uint)s.Length && IsWord(s[i]);

    private static bool DigitAt(ReadOnlySpan<byte> s, int i) => (uint)i < (uint)s.Length && IsDigit(s[i]);

    private static bool ByteAt(ReadOnlySpan<byte> s, int i, byte b) => (uint)i < (uint)s.Length && s[i] == b;

    /// <summary>A '.' or '-' followed by a digit: the match would be part of a longer dotted/dashed number.</summary>
    private static bool ContinuesNumber(ReadOnlySpan<byte> s, int i) =>
        (ByteAt(s, i, (byte)'.') || ByteAt(s, i, (byte)'-')) && DigitAt(s, i + 1);

    private static int DigitRun(ReadOnlySpan<byte> s, int i)
    {
        int p = i;
        while (p < s.Length && IsDigit(s[p]))
        {
            p++;
        }

        return p - i;
    }

    private static int NotFound(out int start)
    {
        start = -1;
        return -1;
    }
}
