using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Sluice.Core.Tests.Identity;

/// <summary>A generated signing key with its JWK form, for minting test tokens.</summary>
internal sealed class TestKey
{
    private TestKey(SecurityKey key, string algorithm, string jwk)
    {
        Key = key;
        Algorithm = algorithm;
        Jwk = jwk;
    }

    public SecurityKey Key { get; }

    public string Algorithm { get; }

    public string Jwk { get; }

    public RSA? Rsa { get; private init; }

    public static TestKey CreateRsa(string kid)
    {
        var rsa = RSA.Create(2048);
        var p = rsa.ExportParameters(false);
        var jwk = $$"""{"kty":"RSA","kid":"{{kid}}","use":"sig","n":"{{B64(p.Modulus!)}}",""" +
            $$"""  "e":"{{B64(p.Exponent!)}}"}""";
        return new TestKey(new RsaSecurityKey(rsa) { KeyId = kid }, SecurityAlgorithms.RsaSha256, jwk) { Rsa = rsa };
    }

    public static TestKey CreateEc(string kid)
    {
        var ec = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var q = ec.ExportParameters(false).Q;
        var jwk = $$"""{"kty":"EC","kid":"{{kid}}","crv":"P-256","x":"{{B64(q.X!)}}","y":"{{B64(q.Y!)}}"}""";
        return new TestKey(new ECDsaSecurityKey(ec) { KeyId = kid }, SecurityAlgorithms.EcdsaSha256, jwk);
    }

    /// <summary>The same key material without a key id, so minted tokens carry no kid.</summary>
    public TestKey WithoutKeyId()
    {
        SecurityKey bare = Key switch
        {
            RsaSecurityKey r => new RsaSecurityKey(r.Rsa),
            ECDsaSecurityKey e => new ECDsaSecurityKey(e.ECDsa),
            _ => throw new NotSupportedException(),
        };
        return new TestKey(bare, Algorithm, Jwk) { Rsa = Rsa };
    }

    /// <summary>The decoded header of a compact token.</summary>
    public static string Header(string token) =>
        Encoding.UTF8.GetString(Base64Url.DecodeFromChars(token.AsSpan(0, token.IndexOf('.'))));

    public static string Jwks(params TestKey[] keys) =>
        "{\"keys\":[" + string.Join(',', keys.Select(k => k.Jwk)) + "]}";

    public static string B64(byte[] bytes) => Base64Url.EncodeToString(bytes);

    public static string B64(string text) => B64(Encoding.UTF8.GetBytes(text));

    /// <summary>Signs a token; claims left null are omitted.</summary>
    public string Mint(
        string issuer,
        DateTimeOffset now,
        string? audience = "sluice",
        string? subject = "alice",
        object? groups = null,
        TimeSpan? lifetime = null,
        TimeSpan notBeforeOffset = default,
        bool withExpiry = true,
        string groupsClaim = "groups")
    {
        var claims = new Dictionary<string, object>();
        if (subject is not null)
        {
            claims["sub"] = subject;
        }

        if (groups is not null)
        {
            claims[groupsClaim] = groups;
        }

        var descriptor = new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Audience = audience,
            IssuedAt = now.UtcDateTime,
            NotBefore = (now + notBeforeOffset).UtcDateTime,
            Expires = withExpiry ? (now + (lifetime ?? TimeSpan.FromMinutes(5))).UtcDateTime : null,
            Claims = claims,
            SigningCredentials = new SigningCredentials(Key, Algorithm),
        };

        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(descriptor);
    }
}
