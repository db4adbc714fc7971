using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Sluice.Core.Audit;
using Sluice.Core.Identity;
using Sluice.Core.Policy;

namespace Sluice.Core.Approvals;

/// <summary>
/// Just-in-time approval of held statements. A request is created pending; an approver (never the requester)
/// approves or denies it; an approval is a single-use grant bound to the requester's subject, the connection and
/// the statement's fingerprint, valid for <see cref="ApprovalOptions.GrantLifetime"/>. State lives in one JSON
/// file per request, so pending and decided requests survive a restart of the node.
/// </summary>
/// <remarks>
/// Expiry is applied lazily whenever a request is looked at (every public member does), and, for requests
/// someone is waiting on, by a timer from the <see cref="TimeProvider"/> set to fire at the request's expiry.
/// Every public member is thread-safe; sessions call the service concurrently.
/// </remarks>
public sealed partial class ApprovalService : IAsyncDisposable
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, ApprovalRequest> _requests = new(StringComparer.Ordinal);
    private readonly ApprovalStore _store;
    private readonly ApprovalOptions _options;
    private readonly TimeProvider _time;
    private readonly AuditLog _audit;
    private readonly ILogger _logger;
    private bool _disposed;

    /// <param name="directory">Folder for the request files; created if missing.</param>
    /// <param name="webhookClient">Client for the webhook; one is created (and owned) when null and needed.</param>
    public ApprovalService(
        string directory, ApprovalOptions options, TimeProvider time, AuditLog audit,
        HttpClient? webhookClient = null, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(audit);
        _options = options;
        _time = time;
        _audit = audit;
        _logger = logger ?? NullLogger.Instance;
        _store = new ApprovalStore(directory, _logger);
        foreach (var request in _store.LoadAll())
        {
            _requests[request.Id] = request;
        }

        if (options.WebhookUrl is not null)
        {
            _ownsWebhookClient = webhookClient is null;
            _webhookClient = webhookClient ?? new HttpClient();
        }
    }

    /// <summary>
    /// Creates a pending request. Wait mode: it expires after <paramref name="timeout"/>. Ticket mode: it expires
    /// after <see cref="ApprovalOptions.TicketLifetime"/>, and a pending or still usable approved request of the
    /// same subject, connection and fingerprint is returned instead, so a client retrying before the decision
    /// does not pile up duplicates.
    /// </summary>
    public ApprovalRequest Request(
        string sessionId, Principal requester, string connection, string statement, string fingerprint,
        string ruleName, string reason, ApprovalMode mode, TimeSpan timeout)
    {
        ArgumentNullException.ThrowIfNull(sessionId);
        ArgumentNullException.ThrowIfNull(requester);
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(statement);
        ArgumentNullException.ThrowIfNull(fingerprint);
        ArgumentNullException.ThrowIfNull(ruleName);
        ArgumentNullException.ThrowIfNull(reason);
        if (mode == ApprovalMode.Wait)
        {
            ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(timeout, TimeSpan.Zero);
        }

        ApprovalRequest created;
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var now = _time.GetUtcNow();
            if (mode == ApprovalMode.Ticket)
            {
                var existing = FindOpenTicket(requester.Subject, connection, fingerprint, now);
                if (existing is not null)
                {
                    return existing;
                }
            }

            var lifetime = mode == ApprovalMode.Wait ? timeout : _options.TicketLifetime;
            created = new ApprovalRequest(
                NewId(), sessionId, requester.Subject, [.. requester.Groups], connection, statement, fingerprint,
                ruleName, reason, mode, now, now + lifetime, ApprovalStatus.Pending,
                DecidedBy: null, DecidedAt: null, DecisionReason: null, GrantExpiresAt: null);
            _store.Save(created);
            _requests[created.Id] = created;
            _audit.Approval("approval.requested", created);
        }

        Announce(created);
        return created;
    }

    /// <summary>Approves a pending request: it becomes a grant usable once until now + GrantLifetime.</summary>
    /// <exception cref="ApprovalException">The approver may not decide this request, or it is not pending.</exception>
    public ApprovalRequest Approve(string id, Principal approver, string? reason) => Decide(id, approver, reason, true);

    /// <summary>Denies a pending request.</summary>
    /// <exception cref="ApprovalException">The approver may not decide this request, or it is not pending.</exception>
    public ApprovalRequest Deny(string id, Principal approver, string? reason) => Decide(id, approver, reason, false);

    /// <summary>
    /// Spends a grant: the approved, unexpired request matching subject, connection and fingerprint (the one
    /// expiring first, should there be several) becomes <see cref="ApprovalStatus.Used"/> and is returned.
    /// </summary>
    public bool TryConsumeGrant(string subject, string connection, string fingerprint, out ApprovalRequest? grant)
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var now = _time.GetUtcNow();
            ApprovalRequest? best = null;
            foreach (var candidate in CurrentSnapshot(now))
            {
                if (candidate.Status == ApprovalStatus.Approved && Matches(candidate, subject, connection, fingerprint)
                    && (best is null || candidate.GrantExpiresAt < best.GrantExpiresAt))
                {
                    best = candidate;
                }
            }

            if (best is null)
            {
                grant = null;
                return false;
            }

            grant = best with { Status = ApprovalStatus.Used };
            Commit(grant, "approval.used");
            return true;
        }
    }

    /// <summary>All requests, or those with the given status, newest first.</summary>
    public IReadOnlyList<ApprovalRequest> List(ApprovalStatus? status = null)
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return CurrentSnapshot(_time.GetUtcNow())
                .Where(r => status is null || r.Status == status)
                .OrderByDescending(r => r.CreatedAt)
                .ThenBy(r => r.Id, StringComparer.Ordinal)
                .ToList();
        }
    }

    /// <summary>The request with this id, or null.</summary>
    public ApprovalRequest? Find(string id)
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return Current(id, _time.GetUtcNow());
        }
    }

    private ApprovalRequest Decide(string id, Principal approver, string? reason, bool approve)
    {
        ArgumentNullException.ThrowIfNull(id);
        ArgumentNullException.ThrowIfNull(approver);
        CheckApprover(approver);
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var now = _time.GetUtcNow();
            var request = Current(id, now) ?? throw new ApprovalException($"approval {id} not found");
            if (string.Equals(request.Subject, approver.Subject, StringComparison.Ordinal))
            {
                throw new ApprovalException($"approval {id}: nobody approves or denies their own request");
            }

            if (request.Status == ApprovalStatus.Expired)
            {
                throw new ApprovalException($"approval {id} expired at {request.ExpiresAt:u}");
            }

            if (request.Status != ApprovalStatus.Pending)
            {
                throw new ApprovalException(
                    $"approval {id} is already {request.Status.ToString().ToLowerInvariant()}, not pending");
            }

            var decided = request with
            {
                Status = approve ? ApprovalStatus.Approved : ApprovalStatus.Denied,
                DecidedBy = approver.Subject,
                DecidedAt = now,
                DecisionReason = reason,
                GrantExpiresAt = approve ? now + _options.GrantLifetime : null,
            };
            Commit(decided, approve ? "approval.approved" : "approval.denied");
            return decided;
        }
    }

    private void CheckApprover(Principal approver)
    {
        if (_options.ApproverGroups.Count == 0)
        {
            throw new ApprovalException("nobody can approve: no approver groups are configured");
        }

        foreach (var group in approver.Groups)
        {
            if (_options.ApproverGroups.Contains(group, StringComparer.Ordinal))
            {
                return;
            }
        }

        throw new ApprovalException(
            $"{approver.Subject} may not decide approvals: not in an approver group " +
            $"({string.Join(", ", _options.ApproverGroups)})");
    }

    private ApprovalRequest? FindOpenTicket(string subject, string connection, string fingerprint, DateTimeOffset now)
    {
        ApprovalRequest? newest = null;
        foreach (var candidate in CurrentSnapshot(now))
        {
            if (candidate.Status is ApprovalStatus.Pending or ApprovalStatus.Approved
                && Matches(candidate, subject, connection, fingerprint)
                && (newest is null || candidate.CreatedAt > newest.CreatedAt))
            {
                newest = candidate;
            }
        }

        return newest;
    }

    private static bool Matches(ApprovalRequest r, string subject, string connection, string fingerprint) =>
        string.Equals(r.Subject, subject, StringComparison.Ordinal)
        && string.Equals(r.Connection, connection, StringComparison.Ordinal)
        && string.Equals(r.Fingerprint, fingerprint, StringComparison.Ordinal);

    private string NewId()
    {
        // 40 random bits make a collision rare, not impossible; an id must never name two requests.
        string id;
        do
        {
            id = ApprovalId.New();
        }
        while (_requests.ContainsKey(id));

        return id;
    }

    /// <summary>Every request with expiry applied. Caller holds the gate.</summary>
    private List<ApprovalRequest> CurrentSnapshot(DateTimeOffset now)
    {
        var all = new List<ApprovalRequest>(_requests.Count);
        foreach (var id in _requests.Keys.ToList())
        {
            all.Add(Current(id, now)!);
        }

        return all;
    }

    /// <summary>
    /// The request with expiry applied: a pending request past its expiry, or an approved grant past its grant
    /// expiry, becomes Expired (persisted and audited) here. Caller holds the gate.
    /// </summary>
    private ApprovalRequest? Current(string id, DateTimeOffset now)
    {
        if (!_requests.TryGetValue(id, out var request))
        {
            return null;
        }

        var due = request.Status switch
        {
            ApprovalStatus.Pending => now >= request.ExpiresAt,
            ApprovalStatus.Approved => now >= request.GrantExpiresAt,
            _ => false,
        };
        if (!due)
        {
            return request;
        }

        var expired = request with { Status = ApprovalStatus.Expired };
        Commit(expired, "approval.expired", tolerateSaveFailure: true);
        return expired;
    }

    /// <summary>
    /// Persists a new state, then publishes it in memory, audits it and wakes its waiters. Caller holds the gate.
    /// </summary>
    /// <param name="tolerateSaveFailure">
    /// For expiry only: the in-memory state moves on even if the disk write fails, because a request that is
    /// still pending on disk after a restart simply expires again on load.
    /// </param>
    private void Commit(ApprovalRequest updated, string auditType, bool tolerateSaveFailure = false)
    {
        try
        {
            _store.Save(updated);
        }
        catch (Exception e) when (tolerateSaveFailure && e is IOException or UnauthorizedAccessException)
        {
            ApprovalLog.SaveFailed(_logger, updated.Id, e.Message);
        }

        _requests[updated.Id] = updated;
        _audit.Approval(auditType, updated);
        if (updated.Status != ApprovalStatus.Pending)
        {
            Resolve(updated);
        }
    }
}
