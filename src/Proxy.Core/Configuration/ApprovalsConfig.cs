namespace Sluice.Core.Configuration;

/// <summary>The <c>approvals:</c> section: who decides approval requests and how long decisions last.</summary>
public sealed class ApprovalsConfig
{
    /// <summary>Groups whose members may approve or deny; empty means nobody can.</summary>
    public IReadOnlyList<string> ApproverGroups { get; init; } = [];

    /// <summary>How long an approval lets the approved statement run again.</summary>
    public TimeSpan GrantTtl { get; init; } = TimeSpan.FromMinutes(15);

    /// <summary>How long a ticket waits for a decision before it expires.</summary>
    public TimeSpan TicketTtl { get; init; } = TimeSpan.FromHours(1);

    /// <summary>Receives a POST for each new request; https, or http to a loopback address only.</summary>
    public Uri? WebhookUrl { get; init; }
}
