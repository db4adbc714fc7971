using Microsoft.IdentityModel.Tokens;

namespace Sluice.Core.Identity;

/// <summary>
/// Maps the exceptions the token handler reports onto <see cref="AuthenticationFailure"/>. The
/// handler's own messages are not passed on: they are long, versioned and may quote the token.
/// </summary>
internal static class JwtFailures
{
    public static AuthenticationResult From(Exception? exception) => exception switch
    {
        // The key-not-found type derives from the invalid-signature type, so it is tested first.
        SecurityTokenSignatureKeyNotFoundException =>
            Fail(AuthenticationFailure.UnknownSigningKey, "no configured key matches the token"),
        SecurityTokenInvalidSignatureException =>
            Fail(AuthenticationFailure.BadSignature, "the signature does not verify"),
        SecurityTokenInvalidAlgorithmException =>
            Fail(AuthenticationFailure.UnsupportedAlgorithm, "the signing algorithm is not accepted"),
        SecurityTokenExpiredException e =>
            Fail(AuthenticationFailure.Expired, $"the token expired at {e.Expires:O}"),
        SecurityTokenNotYetValidException e =>
            Fail(AuthenticationFailure.NotYetValid, $"the token is not valid before {e.NotBefore:O}"),
        SecurityTokenNoExpirationException =>
            Fail(AuthenticationFailure.Malformed, "the token has no exp claim"),
        SecurityTokenInvalidAudienceException =>
            Fail(AuthenticationFailure.WrongAudience, "the token is not meant for this gateway"),
        SecurityTokenInvalidIssuerException =>
            Fail(AuthenticationFailure.UnknownIssuer, "the token's issuer is not trusted"),
        SecurityTokenMalformedException or ArgumentException =>
            Fail(AuthenticationFailure.Malformed, "the token cannot be parsed"),
        _ => Fail(AuthenticationFailure.Malformed, $"the token was refused ({exception?.GetType().Name})"),
    };

    private static AuthenticationResult Fail(AuthenticationFailure failure, string detail) =>
        AuthenticationResult.Fail(failure, detail);
}
