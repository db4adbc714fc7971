namespace Sluice.Core.Recording;

/// <summary>Who opened a session, to what, and from where: the first event of every recording.</summary>
/// <param name="SessionId">Unique, time-sortable id; also the recording's file name.</param>
/// <param name="StartedAt">When the client connected.</param>
/// <param name="Subject">The authenticated identity.</param>
/// <param name="Groups">Groups the identity's token carried.</param>
/// <param name="AuthMethod">How the caller authenticated, such as "oidc" or "api_key".</param>
/// <param name="Issuer">Token issuer, or empty.</param>
/// <param name="Connection">Configured connection name the client reached.</param>
/// <param name="Protocol">Wire protocol, such as "postgres".</param>
/// <param name="ClientAddress">Remote address and port of the client.</param>
/// <param name="ClientUser">User name the client asked for, if any.</param>
/// <param name="ApplicationName">Application name the client reported, if any.</param>
/// <param name="Upstream">Address of the real server.</param>
/// <param name="ClientTls">Whether the client side used TLS.</param>
public sealed record SessionHeader(
    string SessionId,
    DateTimeOffset StartedAt,
    string Subject,
    IReadOnlyList<string> Groups,
    string AuthMethod,
    string Issuer,
    string Connection,
    string Protocol,
    string ClientAddress,
    string? ClientUser,
    string? ApplicationName,
    string Upstream,
    bool ClientTls);
