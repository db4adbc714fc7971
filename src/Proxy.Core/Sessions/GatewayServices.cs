using Microsoft.Extensions.Logging;
using Sluice.Core.Approvals;
using Sluice.Core.Audit;
using Sluice.Core.Configuration;
using Sluice.Core.Identity;
using Sluice.Core.Policy;
using Sluice.Core.Recording;
using Sluice.Masking;

namespace Sluice.Core.Sessions;

/// <summary>
/// What every protocol session needs from the core, built once per gateway: the configuration,
/// who a caller is, what it may reach, and where evidence goes.
/// </summary>
public sealed class GatewayServices
{
    public required SluiceConfig Config { get; init; }

    public required ICredentialAuthenticator Authenticator { get; init; }

    public required AccessPolicy Access { get; init; }

    public required RecordingStore Recordings { get; init; }

    public required RecordingOptions RecordingOptions { get; init; }

    public required AuditLog Audit { get; init; }

    /// <summary>Masking rules for result values; <see cref="MaskingPolicy.Empty"/> when none are configured.</summary>
    public MaskingPolicy Masking { get; init; } = MaskingPolicy.Empty;

    /// <summary>Guardrail rules for statements; even with none configured, unknown statements are denied.</summary>
    public GuardrailPolicy Guardrails { get; init; } = GuardrailPolicy.AllowAll;

    /// <summary>Holds statements for a human's approval; null when approvals are not configured.</summary>
    public ApprovalService? Approvals { get; init; }

    public required ILoggerFactory Loggers { get; init; }

    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>Sessions currently open, for shutdown and the admin surface.</summary>
    public SessionRegistry Sessions { get; } = new();
}
