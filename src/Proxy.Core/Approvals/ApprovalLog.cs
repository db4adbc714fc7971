using Microsoft.Extensions.Logging;

namespace Sluice.Core.Approvals;

/// <summary>Log lines of the approval service, event ids 3000–3099. Never statement text.</summary>
internal static partial class ApprovalLog
{
    [LoggerMessage(3000, LogLevel.Warning, "approval state file {Path} skipped: {Reason}")]
    public static partial void CorruptFile(ILogger logger, string path, string reason);

    [LoggerMessage(3001, LogLevel.Warning, "approval webhook for {Id} failed: {Reason}")]
    public static partial void WebhookFailed(ILogger logger, string id, string reason);

    [LoggerMessage(3002, LogLevel.Debug, "approval webhook for {Id} answered {Status}")]
    public static partial void WebhookPosted(ILogger logger, string id, int status);

    [LoggerMessage(3003, LogLevel.Information, "loaded {Count} approval requests from {Directory}")]
    public static partial void Loaded(ILogger logger, int count, string directory);

    [LoggerMessage(3004, LogLevel.Warning, "approval {Id}: could not persist its expiry: {Reason}")]
    public static partial void SaveFailed(ILogger logger, string id, string reason);

    [LoggerMessage(3005, LogLevel.Error, "approval {Id}: expiry timer failed: {Reason}")]
    public static partial void TimerFailed(ILogger logger, string id, string reason);
}
