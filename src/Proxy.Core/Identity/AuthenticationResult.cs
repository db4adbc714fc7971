namespace Sluice.Core.Identity;

/// <summary>Why a credential was refused. Logged and audited; the client is told less.</summary>
public enum AuthenticationFailure
{
    None,
    Empty,
    Malformed,
    UnsupportedAlgorithm,
    UnknownSigningKey,
    BadSignature,
    UnknownIssuer,
    WrongAudience,
    Expired,
    NotYetValid,
    MissingSubject,
    UnknownApiKey,
    KeySourceUnavailable,
}

public readonly record struct AuthenticationResult(Principal? Principal, AuthenticationFailure Failure, string? Detail)
{
    public bool Succeeded => Principal is not null;

    public static AuthenticationResult Success(Principal principal) => new(principal, AuthenticationFailure.None, null);

    public static AuthenticationResult Fail(AuthenticationFailure failure, string? detail = null) => new(null, failure, detail);
}

/// <summary>Turns whatever the client put in the protocol's password field into a principal.</summary>
public interface ICredentialAuthenticator
{
    ValueTask<AuthenticationResult> AuthenticateAsync(string credential, CancellationToken cancellationToken);
}
