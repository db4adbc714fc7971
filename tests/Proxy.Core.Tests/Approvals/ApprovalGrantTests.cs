using Sluice.Core.Approvals;
using Sluice.Core.Policy;

namespace Sluice.Core.Tests.Approvals;

public sealed class ApprovalGrantTests : ApprovalTestBed
{
    [Fact]
    public void New_request_is_pending_with_a_crockford_id_and_the_wait_timeout()
    {
        var service = NewService();

        var request = RequestFrom(service, Alice, timeout: TimeSpan.FromSeconds(90));

        Assert.Matches("^R-[0-9A-HJKMNP-TV-Z]{8}$", request.Id);
        Assert.Equal(ApprovalStatus.Pending, request.Status);
        Assert.Equal("alice", request.Subject);
        Assert.Equal(["developers"], request.Groups);
        Assert.Equal(Start, request.CreatedAt);
        Assert.Equal(Start.AddSeconds(90), request.ExpiresAt);
        Assert.Null(request.DecidedBy);
        Assert.Same(request, service.Find(request.Id));
    }

    [Fact]
    public void Ticket_request_lives_for_the_ticket_lifetime()
    {
        var service = NewService();

        var request = RequestFrom(service, Alice, ApprovalMode.Ticket, timeout: TimeSpan.FromSeconds(5));

        Assert.Equal(Start + DefaultOptions.TicketLifetime, request.ExpiresAt);
    }

    [Fact]
    public void Approved_grant_is_consumed_exactly_once()
    {
        var service = NewService();
        var request = RequestFrom(service, Alice);
        Clock.Advance(TimeSpan.FromSeconds(10));

        var approved = service.Approve(request.Id, Bob, "checked the WHERE clause");

        Assert.Equal(ApprovalStatus.Approved, approved.Status);
        Assert.Equal("bob", approved.DecidedBy);
        Assert.Equal(Start.AddSeconds(10), approved.DecidedAt);
        Assert.Equal("checked the WHERE clause", approved.DecisionReason);
        Assert.Equal(Start.AddSeconds(10) + DefaultOptions.GrantLifetime, approved.GrantExpiresAt);

        Assert.True(service.TryConsumeGrant("alice", "orders", "fp-delete-orders", out var grant));
        Assert.Equal(request.Id, grant!.Id);
        Assert.Equal(ApprovalStatus.Used, grant.Status);
        Assert.Equal(ApprovalStatus.Used, service.Find(request.Id)!.Status);

        Assert.False(service.TryConsumeGrant("alice", "orders", "fp-delete-orders", out var again));
        Assert.Null(again);
    }

    [Theory]
    [InlineData("mallory", "orders", "fp-delete-orders")]
    [InlineData("alice", "billing", "fp-delete-orders")]
    [InlineData("alice", "orders", "fp-drop-table")]
    public void Grant_is_bound_to_subject_connection_and_fingerprint(string subject, string connection, string fp)
    {
        var service = NewService();
        var request = RequestFrom(service, Alice);
        service.Approve(request.Id, Bob, null);

        Assert.False(service.TryConsumeGrant(subject, connection, fp, out var grant));
        Assert.Null(grant);
        Assert.Equal(ApprovalStatus.Approved, service.Find(request.Id)!.Status);
        Assert.True(service.TryConsumeGrant("alice", "orders", "fp-delete-orders", out _));
    }

    [Fact]
    public void Grant_expires_after_its_lifetime()
    {
        var service = NewService();
        var request = RequestFrom(service, Alice);
        service.Approve(request.Id, Bob, null);

        Clock.Advance(DefaultOptions.GrantLifetime - TimeSpan.FromSeconds(1));
        Assert.Equal(ApprovalStatus.Approved, service.Find(request.Id)!.Status);
        Clock.Advance(TimeSpan.FromSeconds(1));

        Assert.False(service.TryConsumeGrant("alice", "orders", "fp-delete-orders", out _));
        Assert.Equal(ApprovalStatus.Expired, service.Find(request.Id)!.Status);
    }

    [Fact]
    public void Denied_request_gives_no_grant()
    {
        var service = NewService();
        var request = RequestFrom(service, Alice);

        var denied = service.Deny(request.Id, Bob, "use the archive job");

        Assert.Equal(ApprovalStatus.Denied, denied.Status);
        Assert.Equal("bob", denied.DecidedBy);
        Assert.Equal("use the archive job", denied.DecisionReason);
        Assert.Null(denied.GrantExpiresAt);
        Assert.False(service.TryConsumeGrant("alice", "orders", "fp-delete-orders", out _));
    }

    [Fact]
    public void Nobody_approves_their_own_request()
    {
        var service = NewService();
        var request = RequestFrom(service, Carol);

        var e = Assert.Throws<ApprovalException>(() => service.Approve(request.Id, Carol, null));
        Assert.Contains("own request", e.Message);
        Assert.Throws<ApprovalException>(() => service.Deny(request.Id, Carol, null));
        Assert.Equal(ApprovalStatus.Pending, service.Find(request.Id)!.Status);
    }

    [Fact]
    public void Someone_outside_the_approver_groups_cannot_decide()
    {
        var service = NewService();
        var request = RequestFrom(service, Alice);

        var e = Assert.Throws<ApprovalException>(() => service.Approve(request.Id, Mallory, null));
        Assert.Contains("not in an approver group", e.Message);
        Assert.Contains("dba", e.Message);
        Assert.Throws<ApprovalException>(() => service.Deny(request.Id, Mallory, null));
        Assert.Equal(ApprovalStatus.Pending, service.Find(request.Id)!.Status);
    }

    [Fact]
    public void Without_approver_groups_nobody_can_approve()
    {
        var service = NewService(new ApprovalOptions());
        var request = RequestFrom(service, Alice);

        var e = Assert.Throws<ApprovalException>(() => service.Approve(request.Id, Bob, null));
        Assert.Contains("nobody can approve", e.Message);
    }

    [Fact]
    public void Unknown_decided_and_expired_requests_are_refused_with_their_state()
    {
        var service = NewService();
        var unknown = Assert.Throws<ApprovalException>(() => service.Approve("R-00000000", Bob, null));
        Assert.Contains("not found", unknown.Message);

        var decided = RequestFrom(service, Alice);
        service.Deny(decided.Id, Bob, null);
        var twice = Assert.Throws<ApprovalException>(() => service.Approve(decided.Id, Bob, null));
        Assert.Contains("denied", twice.Message);

        var late = RequestFrom(service, Alice, timeout: TimeSpan.FromMinutes(1));
        Clock.Advance(TimeSpan.FromMinutes(1));
        var expired = Assert.Throws<ApprovalException>(() => service.Approve(late.Id, Bob, null));
        Assert.Contains("expired", expired.Message);
        Assert.Equal(ApprovalStatus.Expired, service.Find(late.Id)!.Status);
    }

    [Fact]
    public void Ticket_mode_reuses_the_open_request_until_it_is_decided()
    {
        var service = NewService();
        var first = RequestFrom(service, Alice, ApprovalMode.Ticket);
        Clock.Advance(TimeSpan.FromMinutes(5));

        var retry = RequestFrom(service, Alice, ApprovalMode.Ticket);
        Assert.Equal(first.Id, retry.Id);

        var otherStatement = RequestFrom(service, Alice, ApprovalMode.Ticket, fingerprint: "fp-other");
        var otherPerson = RequestFrom(service, Carol, ApprovalMode.Ticket);
        Assert.NotEqual(first.Id, otherStatement.Id);
        Assert.NotEqual(first.Id, otherPerson.Id);

        service.Approve(first.Id, Bob, null);
        Assert.Equal(first.Id, RequestFrom(service, Alice, ApprovalMode.Ticket).Id);

        Assert.True(service.TryConsumeGrant("alice", "orders", "fp-delete-orders", out _));
        var afterUse = RequestFrom(service, Alice, ApprovalMode.Ticket);
        Assert.NotEqual(first.Id, afterUse.Id);
        Assert.Equal(ApprovalStatus.Pending, afterUse.Status);
    }

    [Fact]
    public void Wait_mode_always_makes_a_new_request()
    {
        var service = NewService();

        var first = RequestFrom(service, Alice);
        var second = RequestFrom(service, Alice);

        Assert.NotEqual(first.Id, second.Id);
    }

    [Fact]
    public void List_is_newest_first_and_filters_by_status_after_applying_expiry()
    {
        var service = NewService();
        var oldest = RequestFrom(service, Alice, timeout: TimeSpan.FromMinutes(1));
        Clock.Advance(TimeSpan.FromSeconds(10));
        var middle = RequestFrom(service, Alice, timeout: TimeSpan.FromMinutes(10));
        Clock.Advance(TimeSpan.FromSeconds(10));
        var newest = RequestFrom(service, Alice, timeout: TimeSpan.FromMinutes(10));
        service.Deny(newest.Id, Bob, null);
        Clock.Advance(TimeSpan.FromMinutes(1));

        Assert.Equal([newest.Id, middle.Id, oldest.Id], service.List().Select(r => r.Id));
        Assert.Equal([middle.Id], service.List(ApprovalStatus.Pending).Select(r => r.Id));
        Assert.Equal([oldest.Id], service.List(ApprovalStatus.Expired).Select(r => r.Id));
        Assert.Null(service.Find("R-ZZZZZZZZ"));
    }
}
