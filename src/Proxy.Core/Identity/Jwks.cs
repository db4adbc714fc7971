using Microsoft.IdentityModel.Tokens;

namespace Sluice.Core.Identity;

/// <summary>Reads a JSON Web Key Set into the signature keys it holds.</summary>
internal static class Jwks
{
    /// <summary>
    /// Parses a JWKS and keeps its RSA and EC signing keys. Symmetric keys are dropped on purpose:
    /// an "oct" key in a public key set would let anyone who reads the set forge tokens.
    /// </summary>
    /// <exception cref="FormatException">The text is not a key set or holds no usable key.</exception>
    public static IReadOnlyList<SecurityKey> Parse(string json)
    {
        JsonWebKeySet set;
        try
        {
            set = new JsonWebKeySet(json);
        }
        catch (ArgumentException e)
        {
            throw new FormatException("not a JSON Web Key Set", e);
        }

        var keys = new List<SecurityKey>(set.Keys.Count);
        foreach (var key in set.Keys)
        {
            var signing = string.IsNullOrEmpty(key.Use) || key.Use == JsonWebKeyUseNames.Sig;
            var asymmetric = key.Kty is JsonWebAlgorithmsKeyTypes.RSA or JsonWebAlgorithmsKeyTypes.EllipticCurve;
            if (signing && asymmetric)
            {
                keys.Add(key);
            }
        }

        if (keys.Count == 0)
        {
            throw new FormatException("the key set holds no RSA or EC signing key");
        }

        return keys;
    }
}
