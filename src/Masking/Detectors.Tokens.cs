using System.Buffers;
using System.Buffers.Text;

namespace Sluice.Masking;

public static partial class Detectors
{
    private const int MaxJwtHeaderChars = 1024;

    /// <summary>The shortest cloud key, an AWS access key id.</summary>
    private const int MinCloudKeyBytes = 20;

    private static bool IsBase64Url(byte b) => IsAlnum(b) || b is (byte)'-' or (byte)'_';

    private static int Base64UrlRun(ReadOnlySpan<byte> s, int i)
    {
        int p = i;
        while (p < s.Length && IsBase64Url(s[p]))
        {
            p++;
        }

        return p - i;
    }

    /// <summary>
    /// Three base64url segments split by '.' (or five, a JWE), the first starting "eyJ" and decoding to a JSON
    /// object that names "alg" or "typ"; header and payload are non-empty, and the signature may be empty only
    /// when the header says "none".
    /// </summary>
    private static int FindJwt(ReadOnlySpan<byte> s, int from, out int start)
    {
        int search = from;
        while (search < s.Length)
        {
            int i = s[search..].IndexOf("eyJ"u8);
            if (i < 0)
            {
                break;
            }

            i += search;
            search = i + 1;
            if ((i > 0 && (IsBase64Url(s[i - 1]) || s[i - 1] == '.')))
            {
                continue;
            }

            int end = JwtEnd(s, i);
            if (end > 0)
            {
                start = i;
                return end;
            }
        }

        return NotFound(out start);
    }

    private static int JwtEnd(ReadOnlySpan<byte> s, int i)
    {
        int header = Base64UrlRun(s, i);
        int p = i + header;
        int segments = 1;
        bool emptySignature = false;
        bool emptyPayload = false;
        while (segments < 5 && ByteAt(s, p, (byte)'.'))
        {
            int run = Base64UrlRun(s, p + 1);
            if (run == 0 && !ByteAt(s, p + 1, (byte)'.'))
            {
                // A dot with nothing after it ends a sentence, unless it closes an unsigned token ("h.p.").
                if (segments == 2)
                {
                    segments = 3;
                    emptySignature = true;
                    p++;
                }

                break;
            }

            segments++;
            emptyPayload |= segments == 2 && run == 0;
            emptySignature = run == 0;
            p += 1 + run;
        }

        bool continues = ByteAt(s, p, (byte)'.') && p + 1 < s.Length && IsBase64Url(s[p + 1]);
        if (segments is not (3 or 5) || continues || (segments == 3 && emptyPayload))
        {
            return -1;
        }

        Span<byte> json = stackalloc byte[(MaxJwtHeaderChars / 4) * 3];
        ReadOnlySpan<byte> encoded = s.Slice(i, header);
        bool final = encoded.Length <= MaxJwtHeaderChars;
        if (!final)
        {
            encoded = encoded[..MaxJwtHeaderChars];
        }

        OperationStatus status = Base64Url.DecodeFromUtf8(encoded, json, out _, out int written, final);
        if (status is not (OperationStatus.Done or OperationStatus.NeedMoreData))
        {
            return -1;
        }

        ReadOnlySpan<byte> decoded = json[..written].TrimStart(" \t\r\n"u8);
        if (decoded.IsEmpty || decoded[0] != '{'
            || (decoded.IndexOf("\"alg\""u8) < 0 && decoded.IndexOf("\"typ\""u8) < 0))
        {
            return -1;
        }

        if (segments == 3 && emptySignature && decoded.IndexOf("\"none\""u8) < 0)
        {
            return -1;
        }

        return p;
    }

    /// <summary>
    /// AWS access key ids (AKIA, ASIA, AGPA, AIDA, AROA, ANPA, ANVA, AIPA then 16 of A-Z2-7), Google API keys
    /// (AIza then 35 of A-Za-z0-9_-), and GitHub tokens (ghp_, gho_, ghu_, ghs_, ghr_ then 36 letters or
    /// digits). Each must stand alone: no letter, digit or '_' glued before or after.
    /// </summary>
    private static int FindCloudKey(ReadOnlySpan<byte> s, int from, out int start)
    {
        int i = from;
        while (s.Length - i >= MinCloudKeyBytes)
        {
            int next = s[i..].IndexOfAny((byte)'A', (byte)'g');
            if (next < 0)
            {
                break;
            }

            i += next;
            if (!WordAt(s, i - 1))
            {
                int end = AwsKeyEnd(s, i);
                if (end < 0)
                {
                    end = GoogleKeyEnd(s, i);
                }

                if (end < 0)
                {
                    end = GitHubTokenEnd(s, i);
                }

                if (end > 0)
                {
                    start = i;
                    return end;
                }
            }

            i++;
        }

        return NotFound(out start);
    }

    private static int AwsKeyEnd(ReadOnlySpan<byte> s, int i)
    {
        if (i + 20 > s.Length)
        {
            return -1;
        }

        ReadOnlySpan<byte> prefix = s.Slice(i, 4);
        if (!(prefix.SequenceEqual("AKIA"u8) || prefix.SequenceEqual("ASIA"u8) || prefix.SequenceEqual("AGPA"u8)
            || prefix.SequenceEqual("AIDA"u8) || prefix.SequenceEqual("AROA"u8) || prefix.SequenceEqual("ANPA"u8)
            || prefix.SequenceEqual("ANVA"u8) || prefix.SequenceEqual("AIPA"u8)))
        {
            return -1;
        }

        for (int k = i + 4; k < i + 20; k++)
        {
            if (!IsUpper(s[k]) && (uint)(s[k] - '2') > 5)
            {
                return -1;
            }
        }

        return WordAt(s, i + 20) ? -1 : i + 20;
    }

    private static int GoogleKeyEnd(ReadOnlySpan<byte> s, int i)
    {
        const int Length = 39;
        if (i + Length > s.Length || !s.Slice(i, 4).SequenceEqual("AIza"u8) || Base64UrlRun(s, i + 4) != 35)
        {
            return -1;
        }

        return i + Length;
    }

    private static int GitHubTokenEnd(ReadOnlySpan<byte> s, int i)
    {
        const int Length = 40;
        if (i + Length > s.Length || s[i] != 'g' || s[i + 1] != 'h' || s[i + 3] != '_'
            || s[i + 2] is not ((byte)'p' or (byte)'o' or (byte)'u' or (byte)'s' or (byte)'r'))
        {
            return -1;
        }

        for (int k = i + 4; k < i + Length; k++)
        {
            if (!IsAlnum(s[k]))
            {
                return -1;
            }
        }

        return WordAt(s, i + Length) ? -1 : i + Length;
    }

    /// <summary>
    /// "-----BEGIN [A-Z ]*PRIVATE KEY[A-Z ]*-----" (PKCS#8, RSA, EC, OpenSSH, encrypted, and PGP's "PRIVATE KEY
    /// BLOCK") through the matching "-----END ...-----" line. A block without its
    /// END line runs to the end of the value: a truncated key is still a secret.
    /// </summary>
    private static int FindPem(ReadOnlySpan<byte> s, int from, out int start)
    {
        ReadOnlySpan<byte> begin = "-----BEGIN "u8;
        ReadOnlySpan<byte> dashes = "-----"u8;
        int search = from;
        while (search < s.Length)
        {
            int i = s[search..].IndexOf(begin);
            if (i < 0)
            {
                break;
            }

            i += search;
            search = i + 1;
            int labelStart = i + begin.Length;
            int p = labelStart;
            while (p < s.Length && (IsUpper(s[p]) || s[p] == ' '))
            {
                p++;
            }

            ReadOnlySpan<byte> label = s[labelStart..p];
            if (label.IndexOf("PRIVATE KEY"u8) < 0 || !s[p..].StartsWith(dashes))
            {
                continue;
            }

            start = i;
            int bodyStart = p + dashes.Length;
            int q = bodyStart;
            while (q < s.Length)
            {
                int endLine = s[q..].IndexOf("-----END "u8);
                if (endLine < 0)
                {
                    break;
                }

                int labelAt = q + endLine + 9;
                if (s[labelAt..].StartsWith(label) && s[(labelAt + label.Length)..].StartsWith(dashes))
                {
                    return labelAt + label.Length + dashes.Length;
                }

                q = labelAt;
            }

            return s.Length;
        }

        return NotFound(out start);
    }
}
