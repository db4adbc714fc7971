namespace Sluice.Core.Identity;

/// <summary>How a caller proved who it is.</summary>
public enum AuthenticationMethod
{
    Oidc,
    ApiKey,
    DevToken,
}

/// <summary>An authenticated caller: the identity a token or API key vouches for.</summary>
public sealed record Principal(
    string Subject,
    IReadOnlyList<string> Groups,
    AuthenticationMethod Method,
    string Issuer,
    DateTimeOffset? ExpiresAt);
