using System.Security.Cryptography;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Sluice.Core.Configuration;

namespace Sluice.Core.Identity;

/// <summary>
/// Accepts a signed JWT from a configured issuer (or the development key), or a static API key.
/// A credential shaped like a JWT (three base64url segments) is only ever treated as a token;
/// anything else is only ever treated as an API key.
/// </summary>
public sealed partial class TokenAuthenticator : ICredentialAuthenticator, IDisposable
{
    /// <summary>
    /// Asymmetric algorithms only. HMAC is refused so a public key can never be used as a shared
    /// secret (the RS256/HS256 confusion attack), and "none" is never in the list.
    /// </summary>
    internal static readonly string[] AllowedAlgorithms =
    [
        SecurityAlgorithms.RsaSha256, SecurityAlgorithms.RsaSha384, SecurityAlgorithms.RsaSha512,
        SecurityAlgorithms.RsaSsaPssSha256, SecurityAlgorithms.EcdsaSha256, SecurityAlgorithms.EcdsaSha384,
    ];

    private const string ApiKeyIssuer = "api-key";

    private readonly Dictionary<string, TrustedIssuer> _issuers = new(StringComparer.Ordinal);
    private readonly IReadOnlyList<ApiKeyConfig> _apiKeys;
    private readonly TimeProvider _time;
    private readonly TimeSpan _clockSkew;
    private readonly HttpClient? _ownedHttp;
    private readonly JsonWebTokenHandler _handler = new() { MapInboundClaims = false };

    /// <exception cref="InvalidOperationException">A configured JWKS file cannot be loaded.</exception>
    public TokenAuthenticator(
        IdentityConfig config, DevSigningKey? devKey, TimeProvider time, HttpClient? http = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(time);

        _time = time;
        _clockSkew = config.ClockSkew;
        _apiKeys = config.ApiKeys;

        foreach (var issuer in config.Issuers)
        {
            SigningKeySource keys;
            if (issuer.JwksFile is { } file)
            {
                keys = new FileKeySource(file);
            }
            else
            {
                var url = issuer.JwksUrl
                    ?? throw new InvalidOperationException(
                        $"issuer '{issuer.Issuer}' has neither a JWKS file nor a URL");
                http ??= _ownedHttp = new HttpClient();
                keys = new UrlKeySource(url, issuer.JwksRefresh, http, time);
            }

            _issuers.Add(issuer.Issuer, new TrustedIssuer(
                issuer.Issuer,
                issuer.Audiences,
                keys,
                issuer.SubjectClaim,
                issuer.GroupsClaim,
                AuthenticationMethod.Oidc));
        }

        if (config.DevIssuer && devKey is not null)
        {
            _issuers[DevSigningKey.Issuer] = new TrustedIssuer(
                DevSigningKey.Issuer,
                [DevSigningKey.Audience],
                new StaticKeySource([devKey.ValidationKey], "the development key"),
                "sub",
                "groups",
                AuthenticationMethod.DevToken);
        }
    }

    public ValueTask<AuthenticationResult> AuthenticateAsync(string credential, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(credential))
        {
            return ValueTask.FromResult(AuthenticationResult.Fail(AuthenticationFailure.Empty, "no credential"));
        }

        return LooksLikeJwt(credential)
            ? ValidateTokenAsync(credential, cancellationToken)
            : ValueTask.FromResult(ValidateApiKey(credential));
    }

    public void Dispose()
    {
        foreach (var issuer in _issuers.Values)
        {
            (issuer.Keys as IDisposable)?.Dispose();
        }

        _ownedHttp?.Dispose();
    }

    /// <summary>Three dot-separated base64url segments; the third may be empty (an unsigned token).</summary>
    internal static bool LooksLikeJwt(string credential)
    {
        var dots = 0;
        var segmentLength = 0;
        foreach (var c in credential)
        {
            if (c == '.')
            {
                if (segmentLength == 0 || ++dots > 2)
                {
                    return false;
                }

                segmentLength = 0;
            }
            else if (char.IsAsciiLetterOrDigit(c) || c is '-' or '_')
            {
                segmentLength++;
            }
            else
            {
                return false;
            }
        }

        return dots == 2;
    }

    /// <summary>
    /// Compares the hash against every configured key in constant time and without stopping at a
    /// match, so the time taken says nothing about which key, if any, was close.
    /// </summary>
    private AuthenticationResult ValidateApiKey(string credential)
    {
        var hash = ApiKeys.Hash(credential);
        ApiKeyConfig? match = null;
        foreach (var key in _apiKeys)
        {
            var equal = CryptographicOperations.FixedTimeEquals(hash, key.Sha256);
            match = equal ? key : match;
        }

        if (match is null)
        {
            return AuthenticationResult.Fail(AuthenticationFailure.UnknownApiKey, "the API key is not configured");
        }

        return AuthenticationResult.Success(
            new Principal(match.Identity, match.Groups, AuthenticationMethod.ApiKey, ApiKeyIssuer, null));
    }
}
