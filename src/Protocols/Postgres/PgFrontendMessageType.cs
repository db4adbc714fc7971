namespace Sluice.Protocols.Postgres;

/// <summary>
/// Type bytes of typed messages a client sends (PostgreSQL docs, "Message Formats"). Startup-phase packets
/// (StartupMessage, SSLRequest, GSSENCRequest, CancelRequest) carry no type byte; see <see cref="PgStartupCode"/>.
/// </summary>
public enum PgFrontendMessageType : byte
{
    Bind = (byte)'B',
    Close = (byte)'C',
    CopyData = (byte)'d',
    CopyDone = (byte)'c',
    CopyFail = (byte)'f',
    Describe = (byte)'D',
    Execute = (byte)'E',
    Flush = (byte)'H',
    FunctionCall = (byte)'F',
    Parse = (byte)'P',

    /// <summary>PasswordMessage, and also SASLInitialResponse, SASLResponse and GSSResponse.</summary>
    Password = (byte)'p',
    Query = (byte)'Q',
    Sync = (byte)'S',
    Terminate = (byte)'X',
}
