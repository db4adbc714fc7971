namespace Sluice.Core.Approvals;

/// <summary>
/// Body of the new-request webhook. Slack and Mattermost incoming webhooks show <see cref="Text"/>; other
/// consumers read the structured <see cref="Request"/>.
/// </summary>
internal sealed record ApprovalWebhookPayload(string Text, ApprovalWebhookRequest Request)
{
    /// <summary>Longer statements are cut so a chat message stays readable.</summary>
    public const int MaxStatementChars = 500;

    public static ApprovalWebhookPayload For(ApprovalRequest r)
    {
        var statement = Cut(r.Statement);
        var text = $"Sluice approval {r.Id}: {r.Subject} on {r.Connection} wants to run: {statement} " +
            $"(rule {r.RuleName}: {r.Reason}). Approve: sluice approve {r.Id}";
        var request = new ApprovalWebhookRequest(
            r.Id, r.Subject, r.Connection, statement, r.RuleName, r.Reason, r.Mode.ToString().ToLowerInvariant(),
            r.ExpiresAt);
        return new ApprovalWebhookPayload(text, request);
    }

    private static string Cut(string statement)
    {
        if (statement.Length <= MaxStatementChars)
        {
            return statement;
        }

        // Do not split a surrogate pair: half a character makes the JSON writer escape garbage.
        var length = MaxStatementChars;
        if (char.IsHighSurrogate(statement[length - 1]))
        {
            length--;
        }

        return string.Concat(statement.AsSpan(0, length), "…");
    }
}

/// <summary>The structured part of the webhook body.</summary>
internal sealed record ApprovalWebhookRequest(
    string Id,
    string Subject,
    string Connection,
    string Statement,
    string Rule,
    string Reason,
    string Mode,
    DateTimeOffset ExpiresAt);
