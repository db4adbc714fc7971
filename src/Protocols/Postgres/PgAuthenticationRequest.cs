using System.Text;

namespace Sluice.Protocols.Postgres;

/// <summary>
/// A decoded Authentication ('R') message: the request code and what follows it. <see cref="Payload"/> is the
/// 4-byte salt for MD5, the NUL-terminated mechanism list (with its final empty string) for SASL, the
/// server-first or server-final message for SASLContinue/SASLFinal, and empty for Ok and CleartextPassword.
/// </summary>
public readonly ref struct PgAuthenticationRequest
{
    /// <summary>Wraps an already validated code and payload.</summary>
    public PgAuthenticationRequest(PgAuthenticationCode code, int rawCode, ReadOnlySpan<byte> payload)
    {
        Code = code;
        RawCode = rawCode;
        Payload = payload;
    }

    /// <summary>The request, or <see cref="PgAuthenticationCode.Other"/>.</summary>
    public PgAuthenticationCode Code { get; }

    /// <summary>The Int32 code exactly as sent.</summary>
    public int RawCode { get; }

    /// <summary>Bytes after the code; see the type's summary.</summary>
    public ReadOnlySpan<byte> Payload { get; }

    /// <summary>
    /// True when a SASL mechanism list (an AuthenticationSASL payload) names <paramref name="mechanism"/>
    /// exactly. A list that is not properly NUL-terminated offers nothing.
    /// </summary>
    public static bool OffersMechanism(ReadOnlySpan<byte> saslPayload, string mechanism)
    {
        Span<byte> wanted = stackalloc byte[64];
        if (Encoding.UTF8.GetMaxByteCount(mechanism.Length) > wanted.Length)
        {
            wanted = new byte[Encoding.UTF8.GetByteCount(mechanism)];
        }

        wanted = wanted[..Encoding.UTF8.GetBytes(mechanism, wanted)];
        ReadOnlySpan<byte> rest = saslPayload;
        while (true)
        {
            int nul = rest.IndexOf((byte)0);
            if (nul <= 0)
            {
                return false;
            }

            if (rest[..nul].SequenceEqual(wanted))
            {
                return true;
            }

            rest = rest[(nul + 1)..];
        }
    }
}
