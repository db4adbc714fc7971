using Microsoft.IdentityModel.Tokens;

namespace Sluice.Core.Identity;

/// <summary>The outcome of looking up an issuer's signing keys: keys to try, or why there are none.</summary>
internal readonly record struct SigningKeyLookup(
    IReadOnlyList<SecurityKey> Keys, AuthenticationFailure Failure, string? Detail)
{
    public static SigningKeyLookup Found(IReadOnlyList<SecurityKey> keys) =>
        new(keys, AuthenticationFailure.None, null);

    public static SigningKeyLookup Fail(AuthenticationFailure failure, string detail) => new([], failure, detail);
}

/// <summary>Where an issuer's public keys come from: a JWKS file, a JWKS URL or the development key.</summary>
internal abstract class SigningKeySource
{
    /// <summary>
    /// The keys a token with key id <paramref name="keyId"/> may be signed with; every key when
    /// the token names none.
    /// </summary>
    public abstract ValueTask<SigningKeyLookup> FindAsync(string? keyId, CancellationToken cancellationToken);

    protected static SigningKeyLookup Select(IReadOnlyList<SecurityKey> keys, string? keyId, string origin)
    {
        if (string.IsNullOrEmpty(keyId))
        {
            return SigningKeyLookup.Found(keys);
        }

        var matches = new List<SecurityKey>(1);
        foreach (var key in keys)
        {
            if (string.Equals(key.KeyId, keyId, StringComparison.Ordinal))
            {
                matches.Add(key);
            }
        }

        return matches.Count > 0
            ? SigningKeyLookup.Found(matches)
            : SigningKeyLookup.Fail(AuthenticationFailure.UnknownSigningKey, $"no key '{keyId}' in {origin}");
    }
}

/// <summary>A fixed set of keys, such as the development key.</summary>
internal sealed class StaticKeySource(IReadOnlyList<SecurityKey> keys, string origin) : SigningKeySource
{
    public override ValueTask<SigningKeyLookup> FindAsync(string? keyId, CancellationToken cancellationToken) =>
        ValueTask.FromResult(Select(keys, keyId, origin));
}
