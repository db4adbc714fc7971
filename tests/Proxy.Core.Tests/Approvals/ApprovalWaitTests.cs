using Sluice.Core.Approvals;
using Sluice.Core.Policy;

namespace Sluice.Core.Tests.Approvals;

/// <summary>
/// Waiting is driven by a timer from the service's TimeProvider set to the request's expiry; the fake clock fires
/// it when a test advances past that instant, so no test sleeps.
/// </summary>
public sealed class ApprovalWaitTests : ApprovalTestBed
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Wait_completes_when_approved()
    {
        var service = NewService();
        var request = RequestFrom(service, Alice);
        var wait = service.WaitAsync(request.Id, CancellationToken.None);
        Assert.False(wait.IsCompleted);

        service.Approve(request.Id, Bob, "ok");

        var decided = await wait.WaitAsync(Patience);
        Assert.Equal(ApprovalStatus.Approved, decided.Status);
        Assert.Equal("bob", decided.DecidedBy);
        Assert.Equal(0, Clock.ActiveTimers);
    }

    [Fact]
    public async Task Wait_completes_when_denied()
    {
        var service = NewService();
        var request = RequestFrom(service, Alice);
        var first = service.WaitAsync(request.Id, CancellationToken.None);
        var second = service.WaitAsync(request.Id, CancellationToken.None);

        service.Deny(request.Id, Bob, "no");

        Assert.Equal(ApprovalStatus.Denied, (await first.WaitAsync(Patience)).Status);
        Assert.Equal(ApprovalStatus.Denied, (await second.WaitAsync(Patience)).Status);
    }

    [Fact]
    public async Task Wait_ends_with_expired_at_the_timeout_and_the_expiry_is_persisted()
    {
        var service = NewService();
        var request = RequestFrom(service, Alice, timeout: TimeSpan.FromSeconds(30));
        var wait = service.WaitAsync(request.Id, CancellationToken.None);

        Clock.Advance(TimeSpan.FromSeconds(29));
        Assert.False(wait.IsCompleted);
        Clock.Advance(TimeSpan.FromSeconds(1));

        var result = await wait.WaitAsync(Patience);
        Assert.Equal(ApprovalStatus.Expired, result.Status);
        Assert.Null(result.DecidedBy);
        Assert.Contains("\"status\":\"Expired\"", File.ReadAllText(Path.Combine(DataDirectory, request.Id + ".json")));
        Assert.Contains(AuditEvents(), e => e.GetProperty("type").GetString() == "approval.expired"
            && e.GetProperty("approval").GetString() == request.Id);
    }

    [Fact]
    public async Task Wait_on_a_request_that_is_no_longer_pending_returns_at_once()
    {
        var service = NewService();
        var request = RequestFrom(service, Alice, timeout: TimeSpan.FromSeconds(30));
        Clock.Advance(TimeSpan.FromMinutes(1));

        var result = await service.WaitAsync(request.Id, CancellationToken.None);

        Assert.Equal(ApprovalStatus.Expired, result.Status);
        Assert.Throws<ApprovalException>(() => { _ = service.WaitAsync("R-00000000", CancellationToken.None); });
    }

    [Fact]
    public async Task Cancelling_a_wait_leaves_the_request_pending()
    {
        var service = NewService();
        var request = RequestFrom(service, Alice);
        using var cancel = new CancellationTokenSource();
        var wait = service.WaitAsync(request.Id, cancel.Token);

        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => wait);
        Assert.Equal(ApprovalStatus.Pending, service.Find(request.Id)!.Status);
        service.Approve(request.Id, Bob, null);
        Assert.True(service.TryConsumeGrant("alice", "orders", "fp-delete-orders", out _));
    }

    [Fact]
    public async Task Concurrent_requests_and_decisions_keep_every_request()
    {
        var service = NewService();
        var requests = await Task.WhenAll(Enumerable.Range(0, 40).Select(i => Task.Run(() =>
            RequestFrom(service, Alice, ApprovalMode.Wait, fingerprint: $"fp-{i}"))));
        var waits = requests.Select(r => service.WaitAsync(r.Id, CancellationToken.None)).ToList();

        await Task.WhenAll(requests.Select(r => Task.Run(() => service.Approve(r.Id, Bob, null))));

        var decided = await Task.WhenAll(waits).WaitAsync(Patience);
        Assert.All(decided, r => Assert.Equal(ApprovalStatus.Approved, r.Status));
        Assert.Equal(40, requests.Select(r => r.Id).Distinct().Count());
        Assert.Equal(40, Directory.GetFiles(DataDirectory, "*.json").Length);
    }
}
