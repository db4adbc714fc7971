using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace Sluice.Core.Identity;

/// <summary>
/// Static API keys for callers that cannot obtain a token. Only the SHA-256 of a key is ever
/// stored: a key has 256 random bits, so a fast unsalted hash is enough to make a leaked
/// configuration useless.
/// </summary>
public static class ApiKeys
{
    /// <summary>Marks Sluice keys so secret scanners and people can recognise them.</summary>
    public const string Prefix = "slk_";

    /// <summary>A new key: <see cref="Prefix"/> and 32 random bytes in base64url.</summary>
    public static string Generate() => Prefix + Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));

    /// <summary>SHA-256 of the key's UTF-8 bytes, as configured under <c>api_keys[].sha256</c>.</summary>
    public static byte[] Hash(string key) => SHA256.HashData(Encoding.UTF8.GetBytes(key));

    /// <summary>The hash as the 64 lowercase hex characters the configuration takes.</summary>
    public static string HashHex(string key) => Convert.ToHexStringLower(Hash(key));
}
