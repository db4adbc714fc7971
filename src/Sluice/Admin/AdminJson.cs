using System.Text.Json.Serialization;
using Sluice.Core.Approvals;
using Sluice.Core.Policy;

namespace Sluice.Host.Admin;

/// <summary>An approval request as the admin API shows it: enums as lower-case words, times in ISO 8601.</summary>
internal sealed record ApprovalView(
    string Id,
    string SessionId,
    string Subject,
    IReadOnlyList<string> Groups,
    string Connection,
    string Statement,
    string Fingerprint,
    string Rule,
    string Reason,
    string Mode,
    DateTimeOffset CreatedAt,
    DateTimeOffset ExpiresAt,
    string Status,
    string? DecidedBy,
    DateTimeOffset? DecidedAt,
    string? DecisionReason,
    DateTimeOffset? GrantExpiresAt)
{
    public static ApprovalView From(ApprovalRequest request) => new(
        request.Id,
        request.SessionId,
        request.Subject,
        request.Groups,
        request.Connection,
        request.Statement,
        request.Fingerprint,
        request.RuleName,
        request.Reason,
        request.Mode == ApprovalMode.Wait ? "wait" : "ticket",
        request.CreatedAt,
        request.ExpiresAt,
        StatusName(request.Status),
        request.DecidedBy,
        request.DecidedAt,
        request.DecisionReason,
        request.GrantExpiresAt);

    public static string StatusName(ApprovalStatus status) => status switch
    {
        ApprovalStatus.Pending => "pending",
        ApprovalStatus.Approved => "approved",
        ApprovalStatus.Denied => "denied",
        ApprovalStatus.Expired => "expired",
        _ => "used",
    };

    public static bool TryParseStatus(string text, out ApprovalStatus status)
    {
        foreach (var candidate in Enum.GetValues<ApprovalStatus>())
        {
            if (string.Equals(StatusName(candidate), text, StringComparison.OrdinalIgnoreCase))
            {
                status = candidate;
                return true;
            }
        }

        status = default;
        return false;
    }
}

/// <summary>The optional body of an approve or deny request.</summary>
internal sealed record DecisionBody(string? Reason);

/// <summary>Why the admin API refused a request.</summary>
internal sealed record ErrorBody(string Error);

/// <summary>Source-generated serialization for the admin API and the commands that call it (no reflection).</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ApprovalView))]
[JsonSerializable(typeof(List<ApprovalView>))]
[JsonSerializable(typeof(DecisionBody))]
[JsonSerializable(typeof(ErrorBody))]
internal sealed partial class AdminJsonContext : JsonSerializerContext;
