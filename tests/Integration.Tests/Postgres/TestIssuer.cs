using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Sluice.IntegrationTests.Postgres;

/// <summary>A stand-in OIDC issuer: an RSA key published in a JWKS file, and a second key nobody trusts.</summary>
internal sealed class TestIssuer
{
    public const string IssuerName = "https://issuer.test/";
    public const string Audience = "sluice-tests";

    private readonly RsaSecurityKey _trusted;
    private readonly RsaSecurityKey _untrusted;

    private TestIssuer(string jwksPath, RsaSecurityKey trusted, RsaSecurityKey untrusted)
    {
        JwksPath = jwksPath;
        _trusted = trusted;
        _untrusted = untrusted;
    }

    public string JwksPath { get; }

    public static TestIssuer Create(string directory)
    {
        var trusted = new RsaSecurityKey(RSA.Create(2048)) { KeyId = "trusted-1" };
        var untrusted = new RsaSecurityKey(RSA.Create(2048)) { KeyId = "stranger" };
        var parameters = trusted.Rsa.ExportParameters(false);
        var path = Path.Combine(directory, "jwks.json");
        using (var stream = File.Create(path))
        using (var writer = new Utf8JsonWriter(stream))
        {
            writer.WriteStartObject();
            writer.WriteStartArray("keys");
            writer.WriteStartObject();
            writer.WriteString("kty", "RSA");
            writer.WriteString("kid", trusted.KeyId);
            writer.WriteString("use", "sig");
            writer.WriteString("alg", "RS256");
            writer.WriteString("n", Base64UrlEncoder.Encode(parameters.Modulus));
            writer.WriteString("e", Base64UrlEncoder.Encode(parameters.Exponent));
            writer.WriteEndObject();
            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        return new TestIssuer(path, trusted, untrusted);
    }

    public string Token(
        string subject = "oidc-agent",
        string issuer = IssuerName,
        string audience = Audience,
        DateTime? notBefore = null,
        DateTime? expires = null,
        bool signWithUntrustedKey = false)
    {
        var now = DateTime.UtcNow;
        var descriptor = new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Audience = audience,
            NotBefore = notBefore ?? now.AddMinutes(-1),
            IssuedAt = (notBefore ?? now.AddMinutes(-1)).AddSeconds(-1),
            Expires = expires ?? now.AddMinutes(10),
            Claims = new Dictionary<string, object> { ["sub"] = subject, ["groups"] = new[] { "oidc" } },
            SigningCredentials = new SigningCredentials(
                signWithUntrustedKey ? _untrusted : _trusted, SecurityAlgorithms.RsaSha256),
        };
        return new JsonWebTokenHandler().CreateToken(descriptor);
    }

    /// <summary>A token with "alg": "none" and no signature.</summary>
    public static string Unsigned(string subject = "oidc-agent")
    {
        var header = Base64UrlEncoder.Encode("""{"alg":"none","typ":"JWT"}""");
        var exp = DateTimeOffset.UtcNow.AddMinutes(10).ToUnixTimeSeconds();
        var payload = Base64UrlEncoder.Encode(
            $$"""{"iss":"{{IssuerName}}","aud":"{{Audience}}","sub":"{{subject}}","exp":{{exp}}}""");
        return $"{header}.{payload}.";
    }
}
