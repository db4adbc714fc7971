using System.Security.Claims;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Sluice.Core.Identity;

public sealed partial class TokenAuthenticator
{
    private async ValueTask<AuthenticationResult> ValidateTokenAsync(string credential, CancellationToken ct)
    {
        JsonWebToken unverified;
        try
        {
            unverified = new JsonWebToken(credential);
        }
        catch (Exception e) when (e is ArgumentException or SecurityTokenMalformedException)
        {
            return AuthenticationResult.Fail(AuthenticationFailure.Malformed, "the token cannot be parsed");
        }

        // Checked before any key is looked at, so "none" and HMAC never reach signature code.
        if (Array.IndexOf(AllowedAlgorithms, unverified.Alg) < 0)
        {
            return AuthenticationResult.Fail(
                AuthenticationFailure.UnsupportedAlgorithm, $"algorithm '{unverified.Alg}' is not accepted");
        }

        if (string.IsNullOrEmpty(unverified.Issuer) || !_issuers.TryGetValue(unverified.Issuer, out var issuer))
        {
            return AuthenticationResult.Fail(AuthenticationFailure.UnknownIssuer, "the token's issuer is not trusted");
        }

        var lookup = await issuer.Keys.FindAsync(unverified.Kid, ct);
        if (lookup.Failure != AuthenticationFailure.None)
        {
            return AuthenticationResult.Fail(lookup.Failure, lookup.Detail);
        }

        var parameters = new TokenValidationParameters
        {
            ValidIssuer = issuer.Name,
            ValidAudiences = issuer.Audiences,
            IssuerSigningKeys = lookup.Keys,
            ValidAlgorithms = AllowedAlgorithms,
            RequireSignedTokens = true,
            RequireExpirationTime = true,
            RequireAudience = true,
            ValidateLifetime = true,
            LifetimeValidator = ValidateLifetime,
            ClockSkew = _clockSkew,
        };

        var result = await _handler.ValidateTokenAsync(credential, parameters);
        if (!result.IsValid || result.SecurityToken is not JsonWebToken token)
        {
            return JwtFailures.From(result.Exception);
        }

        var subject = SingleClaim(token, issuer.SubjectClaim);
        if (subject is null)
        {
            return AuthenticationResult.Fail(
                AuthenticationFailure.MissingSubject, $"the token has no single '{issuer.SubjectClaim}' claim");
        }

        var principal = new Principal(
            subject, Groups(token, issuer.GroupsClaim), issuer.Method, issuer.Name, new DateTimeOffset(token.ValidTo));
        return AuthenticationResult.Success(principal);
    }

    /// <summary>
    /// Lifetime against the injected clock rather than the handler's own, so tests (and a host
    /// with a corrected clock) decide what "now" is. Throwing the handler's exception types keeps
    /// the failure mapping in one place.
    /// </summary>
    private bool ValidateLifetime(
        DateTime? notBefore, DateTime? expires, SecurityToken token, TokenValidationParameters p)
    {
        var now = _time.GetUtcNow().UtcDateTime;
        if (expires is null)
        {
            throw new SecurityTokenNoExpirationException("the token has no exp claim");
        }

        if (notBefore is { } nbf && nbf > now + p.ClockSkew)
        {
            throw new SecurityTokenNotYetValidException("the token is not valid yet") { NotBefore = nbf };
        }

        if (expires.Value < now - p.ClockSkew)
        {
            throw new SecurityTokenExpiredException("the token has expired") { Expires = expires.Value };
        }

        return true;
    }

    private static string? SingleClaim(JsonWebToken token, string type)
    {
        string? value = null;
        foreach (var claim in token.Claims)
        {
            if (claim.Type != type)
            {
                continue;
            }

            if (value is not null || claim.ValueType != ClaimValueTypes.String)
            {
                return null;
            }

            value = claim.Value;
        }

        return string.IsNullOrEmpty(value) ? null : value;
    }

    /// <summary>The groups claim may be an array of strings or one string; other values are ignored.</summary>
    private static string[] Groups(JsonWebToken token, string type)
    {
        var groups = new List<string>();
        foreach (var claim in token.Claims)
        {
            if (claim.Type == type && claim.ValueType == ClaimValueTypes.String && claim.Value.Length > 0)
            {
                groups.Add(claim.Value);
            }
        }

        return [.. groups];
    }
}
