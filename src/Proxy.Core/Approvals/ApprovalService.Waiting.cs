namespace Sluice.Core.Approvals;

/// <summary>Waiting for decisions, and the timers that expire the requests someone waits on.</summary>
public sealed partial class ApprovalService
{
    private static readonly TimeSpan TimerRetry = TimeSpan.FromSeconds(1);

    private readonly Dictionary<string, Waiter> _waiters = new(StringComparer.Ordinal);

    /// <summary>
    /// Completes with the request once it is decided or expires (the expiry is persisted and audited then),
    /// immediately if it is no longer pending. Cancelling abandons this wait only; the request stays pending.
    /// </summary>
    /// <exception cref="ApprovalException">No request has this id.</exception>
    public Task<ApprovalRequest> WaitAsync(string id, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(id);
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var now = _time.GetUtcNow();
            var request = Current(id, now) ?? throw new ApprovalException($"approval {id} not found");
            if (request.Status != ApprovalStatus.Pending)
            {
                return Task.FromResult(request);
            }

            if (!_waiters.TryGetValue(id, out var waiter))
            {
                // One timer per waited-on request, on the service's clock, so expiry is exact under a fake clock
                // in tests and no polling loop runs in production.
                waiter = new Waiter();
                _waiters[id] = waiter;
                waiter.Timer = _time.CreateTimer(OnExpiryTimer, id, request.ExpiresAt - now, Timeout.InfiniteTimeSpan);
            }

            return waiter.Decided.Task.WaitAsync(cancellationToken);
        }
    }

    private void OnExpiryTimer(object? state)
    {
        var id = (string)state!;
        lock (_gate)
        {
            if (_disposed || !_waiters.TryGetValue(id, out var waiter))
            {
                return;
            }

            try
            {
                // Expires the request and resolves the waiter if due; a timer that fired early is set again.
                var now = _time.GetUtcNow();
                if (Current(id, now) is { Status: ApprovalStatus.Pending } request)
                {
                    var remaining = request.ExpiresAt - now;
                    waiter.Timer?.Change(remaining > TimeSpan.Zero ? remaining : TimerRetry, Timeout.InfiniteTimeSpan);
                }
            }
            catch (IOException e)
            {
                // An exception escaping a timer callback ends the process; try again shortly instead.
                ApprovalLog.TimerFailed(_logger, id, e.Message);
                waiter.Timer?.Change(TimerRetry, Timeout.InfiniteTimeSpan);
            }
        }
    }

    /// <summary>Hands a decided or expired request to its waiters. Caller holds the gate.</summary>
    private void Resolve(ApprovalRequest request)
    {
        if (_waiters.Remove(request.Id, out var waiter))
        {
            waiter.Timer?.Dispose();
            waiter.Decided.TrySetResult(request);
        }
    }

    /// <summary>Stops the timers, cancels outstanding waits and lets in-flight webhook posts finish.</summary>
    public async ValueTask DisposeAsync()
    {
        Task[] webhooks;
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            foreach (var waiter in _waiters.Values)
            {
                waiter.Timer?.Dispose();
                waiter.Decided.TrySetCanceled();
            }

            _waiters.Clear();
            webhooks = [.. _webhooks];
            _webhooks.Clear();
        }

        // Each post is bounded by its own timeout and never throws.
        await Task.WhenAll(webhooks).ConfigureAwait(false);
        if (_ownsWebhookClient)
        {
            _webhookClient?.Dispose();
        }
    }

    private sealed class Waiter
    {
        public TaskCompletionSource<ApprovalRequest> Decided { get; } =
            new(TaskCreationOptions.RunContinuationsAsynchronously);

        public ITimer? Timer { get; set; }
    }
}
