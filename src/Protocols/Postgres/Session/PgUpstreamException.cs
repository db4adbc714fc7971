namespace Sluice.Protocols.Postgres;

/// <summary>
/// The upstream could not be reached or refused the gateway. <see cref="ClientSqlState"/> and
/// <see cref="ClientMessage"/> are what the client may be told; <see cref="Exception.Message"/> is for the
/// operator's log and may name the upstream's own reason.
/// </summary>
internal sealed class PgUpstreamException : Exception
{
    public PgUpstreamException(string operatorMessage, string clientSqlState, string clientMessage, Exception? inner = null)
        : base(operatorMessage, inner)
    {
        ClientSqlState = clientSqlState;
        ClientMessage = clientMessage;
    }

    public string ClientSqlState { get; }

    public string ClientMessage { get; }
}
