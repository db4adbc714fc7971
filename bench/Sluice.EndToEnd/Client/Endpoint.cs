namespace Sluice.EndToEnd.Client;

/// <summary>Where and as whom a client logs in: a loopback port, a role (or identity) and its password (or token).</summary>
internal sealed record Endpoint(int Port, string User, string Password, string Database)
{
    public override string ToString() => $"127.0.0.1:{Port} as {User}";
}
