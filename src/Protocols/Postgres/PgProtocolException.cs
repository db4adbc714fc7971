namespace Sluice.Protocols.Postgres;

/// <summary>
/// Malformed PostgreSQL wire data. <see cref="SqlState"/> is the code to put in the ErrorResponse sent back;
/// the default 08P01 is PostgreSQL's own "protocol_violation".
/// </summary>
public sealed class PgProtocolException : Exception
{
    /// <summary>Creates the exception with a message that must not contain client data by default.</summary>
    public PgProtocolException(string message, string sqlState = "08P01")
        : base(message)
    {
        SqlState = sqlState;
    }

    /// <summary>Five-character SQLSTATE for the reply.</summary>
    public string SqlState { get; }
}
