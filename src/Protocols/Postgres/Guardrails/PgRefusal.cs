namespace Sluice.Protocols.Postgres;

/// <summary>
/// A statement that makes PostgreSQL raise a given error: how the gateway refuses a statement in its own place in
/// the protocol, so the answer the client receives is the server's own ErrorResponse (followed by ReadyForQuery, or
/// the skip to Sync in the extended protocol) and every state machine on both sides stays in step.
/// </summary>
internal static class PgRefusal
{
    private const string Tag = "$sluice_refusal$";

    public static string Statement(string sqlState, string message) =>
        $"DO {Tag} BEGIN RAISE EXCEPTION USING ERRCODE = '{sqlState}', MESSAGE = '{Literal(message)}'; END {Tag}";

    /// <summary>The message as a string literal's body: quotes doubled, and nothing that could close the body.</summary>
    private static string Literal(string message) => message
        .Replace("'", "''", StringComparison.Ordinal)
        .Replace(Tag, "", StringComparison.Ordinal)
        .Replace("\0", "", StringComparison.Ordinal);
}
