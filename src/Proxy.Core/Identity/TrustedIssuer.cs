namespace Sluice.Core.Identity;

/// <summary>One issuer whose tokens are accepted, with where its keys come from and how to read its claims.</summary>
internal sealed record TrustedIssuer(
    string Name,
    IReadOnlyList<string> Audiences,
    SigningKeySource Keys,
    string SubjectClaim,
    string GroupsClaim,
    AuthenticationMethod Method);
