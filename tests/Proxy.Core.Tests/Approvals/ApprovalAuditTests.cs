namespace Sluice.Core.Tests.Approvals;

public sealed class ApprovalAuditTests : ApprovalTestBed
{
    [Fact]
    public void Every_step_of_an_approval_is_an_audit_event()
    {
        var service = NewService();
        var used = RequestFrom(service, Alice);
        Clock.Advance(TimeSpan.FromSeconds(5));
        service.Approve(used.Id, Bob, "looks right");
        service.TryConsumeGrant("alice", "orders", "fp-delete-orders", out _);
        var denied = RequestFrom(service, Alice, fingerprint: "fp-2");
        service.Deny(denied.Id, Carol, "too broad");
        var expired = RequestFrom(service, Alice, fingerprint: "fp-3", timeout: TimeSpan.FromSeconds(1));
        Clock.Advance(TimeSpan.FromSeconds(1));
        service.List();

        var events = AuditEvents();

        Assert.Equal(
            [
                ("approval.requested", used.Id), ("approval.approved", used.Id), ("approval.used", used.Id),
                ("approval.requested", denied.Id), ("approval.denied", denied.Id),
                ("approval.requested", expired.Id), ("approval.expired", expired.Id),
            ],
            events.Select(e => (e.GetProperty("type").GetString(), e.GetProperty("approval").GetString())));

        var requested = events[0];
        Assert.Equal("alice", requested.GetProperty("subject").GetString());
        Assert.Equal("s-1", requested.GetProperty("session").GetString());
        Assert.Equal("orders", requested.GetProperty("connection").GetString());
        Assert.Equal("prod-writes", requested.GetProperty("rule").GetString());
        Assert.Equal("fp-delete-orders", requested.GetProperty("fingerprint").GetString());
        Assert.Equal("DELETE FROM orders WHERE id = 7", requested.GetProperty("statement").GetString());
        Assert.Equal("developers", requested.GetProperty("groups")[0].GetString());

        var approved = events[1];
        Assert.Equal("bob", approved.GetProperty("decided_by").GetString());
        Assert.Equal("looks right", approved.GetProperty("decision_reason").GetString());
        Assert.Equal(Start.AddSeconds(5), approved.GetProperty("time").GetDateTimeOffset());
        Assert.Equal(Start.AddSeconds(5) + DefaultOptions.GrantLifetime,
            approved.GetProperty("grant_expires_at").GetDateTimeOffset());

        Assert.Equal("carol", events[4].GetProperty("decided_by").GetString());
        Assert.Equal("too broad", events[4].GetProperty("decision_reason").GetString());
    }

    [Fact]
    public void Refused_decisions_leave_no_decision_event()
    {
        var service = NewService();
        var request = RequestFrom(service, Carol);

        Assert.ThrowsAny<Exception>(() => service.Approve(request.Id, Carol, null));
        Assert.ThrowsAny<Exception>(() => service.Approve(request.Id, Mallory, null));

        Assert.Equal(["approval.requested"], AuditEvents().Select(e => e.GetProperty("type").GetString()));
    }
}
