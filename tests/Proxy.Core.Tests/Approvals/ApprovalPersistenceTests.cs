using Microsoft.Extensions.Logging;
using Sluice.Core.Approvals;
using Sluice.Core.Policy;

namespace Sluice.Core.Tests.Approvals;

public sealed class ApprovalPersistenceTests : ApprovalTestBed
{
    [Fact]
    public async Task A_restarted_service_sees_pending_and_decided_requests()
    {
        var before = NewService();
        var pending = RequestFrom(before, Alice, ApprovalMode.Ticket);
        var approved = RequestFrom(before, Alice, fingerprint: "fp-approved");
        var denied = RequestFrom(before, Alice, fingerprint: "fp-denied");
        var approvedState = before.Approve(approved.Id, Bob, "fine");
        before.Deny(denied.Id, Bob, "not fine");
        await before.DisposeAsync();

        var after = NewService();

        Assert.Equal(pending, after.Find(pending.Id), RecordComparer.Instance);
        Assert.Equal(approvedState, after.Find(approved.Id), RecordComparer.Instance);
        Assert.Equal(ApprovalStatus.Approved, after.Find(approved.Id)!.Status);
        Assert.Equal(ApprovalStatus.Denied, after.Find(denied.Id)!.Status);
        Assert.Equal(pending.Id, RequestFrom(after, Alice, ApprovalMode.Ticket).Id);
        Assert.True(after.TryConsumeGrant("alice", "orders", "fp-approved", out _));
        Assert.Empty(Directory.GetFiles(DataDirectory, "*.tmp"));
    }

    [Fact]
    public async Task A_waiter_after_restart_is_resolved_by_a_decision()
    {
        var before = NewService();
        var request = RequestFrom(before, Alice, timeout: TimeSpan.FromMinutes(5));
        await before.DisposeAsync();

        var after = NewService();
        var wait = after.WaitAsync(request.Id, CancellationToken.None);
        after.Approve(request.Id, Bob, null);

        Assert.Equal(ApprovalStatus.Approved, (await wait.WaitAsync(TimeSpan.FromSeconds(10))).Status);
    }

    [Fact]
    public async Task A_request_that_expired_while_the_node_was_down_expires_on_first_look()
    {
        var before = NewService();
        var request = RequestFrom(before, Alice, timeout: TimeSpan.FromMinutes(5));
        await before.DisposeAsync();
        Clock.Advance(TimeSpan.FromMinutes(10));

        var after = NewService();

        Assert.Equal(ApprovalStatus.Expired, (await after.WaitAsync(request.Id, CancellationToken.None)).Status);
    }

    [Fact]
    public async Task Corrupt_files_are_skipped_with_a_warning()
    {
        var before = NewService();
        var good = RequestFrom(before, Alice);
        await before.DisposeAsync();
        File.WriteAllText(Path.Combine(DataDirectory, "R-AAAAAAAA.json"), "{\"id\": \"R-AAAAAAAA\", \"subj");
        File.WriteAllText(Path.Combine(DataDirectory, "R-BBBBBBBB.json"), "{\"id\": \"R-BBBBBBBB\"}");
        File.WriteAllText(Path.Combine(DataDirectory, "R-CCCCCCCC.json"), "null");
        var renamed = File.ReadAllText(Path.Combine(DataDirectory, good.Id + ".json"));
        File.WriteAllText(Path.Combine(DataDirectory, "R-DDDDDDDD.json"), renamed);
        File.WriteAllText(Path.Combine(DataDirectory, good.Id + ".1234.tmp"), "half a write");

        var after = NewService();

        Assert.Equal([good.Id], after.List().Select(r => r.Id));
        var warnings = Logger.Entries.Where(e => e.Level == LogLevel.Warning).Select(e => e.Message).ToList();
        Assert.Equal(4, warnings.Count);
        Assert.All(warnings, w => Assert.Contains("skipped", w));
        Assert.Empty(Directory.GetFiles(DataDirectory, "*.tmp"));
    }

    [Fact]
    public void State_files_are_snake_case_json_with_enum_names()
    {
        var service = NewService();
        var request = RequestFrom(service, Alice, ApprovalMode.Ticket);
        service.Approve(request.Id, Bob, "ok");

        var json = File.ReadAllText(Path.Combine(DataDirectory, request.Id + ".json"));

        Assert.Contains("\"status\":\"Approved\"", json);
        Assert.Contains("\"mode\":\"Ticket\"", json);
        Assert.Contains("\"decided_by\":\"bob\"", json);
        Assert.Contains("\"grant_expires_at\":", json);
    }

    /// <summary>Records with list members compare lists by reference; this compares them by content.</summary>
    private sealed class RecordComparer : IEqualityComparer<ApprovalRequest?>
    {
        public static readonly RecordComparer Instance = new();

        public bool Equals(ApprovalRequest? x, ApprovalRequest? y) =>
            x is not null && y is not null && x.Groups.SequenceEqual(y.Groups)
            && x with { Groups = [] } == y with { Groups = [] };

        public int GetHashCode(ApprovalRequest? obj) => obj?.Id.GetHashCode(StringComparison.Ordinal) ?? 0;
    }
}
