namespace Sluice.Core.Recording;

/// <summary>
/// Selects recordings for <see cref="RecordingStore.List"/>. Null members do not filter.
/// Subject and connection match exactly (ordinal); times bound the session start:
/// <c>Since &lt;= StartedAt &lt; Until</c>.
/// </summary>
public sealed record RecordingFilter(
    string? Subject = null,
    string? Connection = null,
    DateTimeOffset? Since = null,
    DateTimeOffset? Until = null)
{
    internal bool Matches(SessionHeader header)
    {
        if (Subject is not null && !string.Equals(Subject, header.Subject, StringComparison.Ordinal))
        {
            return false;
        }

        if (Connection is not null && !string.Equals(Connection, header.Connection, StringComparison.Ordinal))
        {
            return false;
        }

        return (Since is null || header.StartedAt >= Since.Value)
            && (Until is null || header.StartedAt < Until.Value);
    }
}
