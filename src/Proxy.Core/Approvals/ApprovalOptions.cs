namespace Sluice.Core.Approvals;

/// <summary>Who may approve, how long requests and grants live, and where new requests are announced.</summary>
public sealed class ApprovalOptions
{
    /// <summary>An approver must belong to one of these groups. Empty: nobody can approve.</summary>
    public IReadOnlyList<string> ApproverGroups { get; init; } = [];

    /// <summary>How long an approved grant may wait before it is used.</summary>
    public TimeSpan GrantLifetime { get; init; } = TimeSpan.FromMinutes(15);

    /// <summary>How long a ticket-mode request stays pending.</summary>
    public TimeSpan TicketLifetime { get; init; } = TimeSpan.FromHours(1);

    /// <summary>When set, each new request is posted here as chat-tool JSON.</summary>
    public Uri? WebhookUrl { get; init; }
}
