namespace Sluice.Protocols.Postgres;

/// <summary>An error the gateway itself sends the client as it ends a session.</summary>
internal readonly record struct PgClientError(string SqlState, string Message);

/// <summary>What relaying a batch of frames decided about the session.</summary>
internal readonly record struct PgRelayOutcome(
    bool Ends, bool Rejects, string? Reason, PgClientError? ClientError, Task? Pending = null, bool Drop = false)
{
    /// <summary>The frame is inspected and not forwarded (rows of a statement the gateway has cancelled).</summary>
    public static PgRelayOutcome Dropped { get; } = new(false, false, null, null, null, Drop: true);

    public static PgRelayOutcome Continue => default;

    /// <summary>The frame was forwarded and the session ends after it (Terminate).</summary>
    public static PgRelayOutcome EndAfter(string reason) => new(true, false, reason, null);

    /// <summary>A side went away; <paramref name="reason"/> is null when the relay was cancelled.</summary>
    public static PgRelayOutcome Closed(string? reason) => new(true, false, reason, null);

    /// <summary>
    /// The frame cannot be judged until <paramref name="pending"/> (a catalog lookup) completes: stop before it,
    /// wait, and inspect it again.
    /// </summary>
    public static PgRelayOutcome Wait(Task pending) => new(false, false, null, null, pending);

    /// <summary>A masking decision could not be made: the session ends rather than pass data it cannot judge.</summary>
    public static PgRelayOutcome MaskingFailed(string reason) => Reject(
        $"masking failed: {reason}",
        new PgClientError("58000", $"the gateway cannot mask this result, so it ends the session: {reason}"));

    /// <summary>A side went away unannounced; the client is told with <paramref name="error"/>.</summary>
    public static PgRelayOutcome Lost(string reason, PgClientError error) => new(true, false, reason, error);

    /// <summary>The frame is not forwarded; the session ends with an error to the client.</summary>
    public static PgRelayOutcome Reject(string reason, PgClientError error) => new(true, true, reason, error);

    /// <summary>A side broke the protocol: refuse the frame and end the session with a FATAL error.</summary>
    public static PgRelayOutcome Violation(bool fromClient, string reason, string sqlState = "08P01")
    {
        var side = fromClient ? "client" : "upstream";
        var clientMessage = fromClient ? reason : $"the database sent a message the gateway cannot accept: {reason}";
        return Reject($"protocol violation by {side}: {reason}", new PgClientError(sqlState, clientMessage));
    }
}
