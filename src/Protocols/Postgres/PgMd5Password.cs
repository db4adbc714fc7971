using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using System.Text;

namespace Sluice.Protocols.Postgres;

/// <summary>
/// The response to AuthenticationMD5Password: "md5" + md5hex(md5hex(password + user) + salt), lower-case hex,
/// strings as UTF-8 (PostgreSQL docs, "Message Flow", MD5 password).
/// </summary>
public static class PgMd5Password
{
    /// <summary>Computes the PasswordMessage text for <paramref name="user"/> and a 4-byte salt.</summary>
    [SuppressMessage("Security", "CA5351:Do Not Use Broken Cryptographic Algorithms",
        Justification = "PostgreSQL's md5 authentication method is defined with MD5; no other hash would work.")]
    public static string Compute(string user, string password, ReadOnlySpan<byte> salt)
    {
        if (salt.Length != 4)
        {
            throw new ArgumentException("an MD5 salt is 4 bytes", nameof(salt));
        }

        byte[] secret = Encoding.UTF8.GetBytes(password + user);
        Span<byte> inner = stackalloc byte[16];
        MD5.HashData(secret, inner);
        CryptographicOperations.ZeroMemory(secret);

        // 32 hex characters of the inner hash, then the salt.
        Span<byte> outerInput = stackalloc byte[36];
        for (int i = 0; i < 16; i++)
        {
            outerInput[2 * i] = HexDigit(inner[i] >> 4);
            outerInput[(2 * i) + 1] = HexDigit(inner[i] & 0xF);
        }

        salt.CopyTo(outerInput[32..]);
        Span<byte> outer = stackalloc byte[16];
        MD5.HashData(outerInput, outer);
        CryptographicOperations.ZeroMemory(inner);
        CryptographicOperations.ZeroMemory(outerInput);
        return "md5" + Convert.ToHexStringLower(outer);
    }

    private static byte HexDigit(int nibble) => (byte)(nibble < 10 ? '0' + nibble : 'a' + nibble - 10);
}
