using Npgsql;
using Sluice.Core.Approvals;
using Sluice.Core.Identity;
using Sluice.IntegrationTests.Infrastructure;

namespace Sluice.IntegrationTests.Postgres;

/// <summary>Statements held for a human: waiting, tickets, single-use grants, self-approval, restarts.</summary>
[Collection("postgres")]
public sealed class PgApprovalTests(PostgresFixture postgres) : IAsyncLifetime
{
    public Task InitializeAsync() =>
        postgres.Server.ExecuteSqlAsync($"SET ROLE {PostgresFixture.UpstreamUser};\n{MaskingRules.Fixtures}", "demo");

    public Task DisposeAsync() => Task.CompletedTask;

    private const string Policy = """
        policy:
          rules:
            - name: personal-data-needs-approval
              identities: [requester]
              require_approval: { relations: [customers], mode: wait, timeout: 20s }
            - name: tickets-need-a-ticket
              identities: [requester]
              require_approval: { relations: [tickets], mode: ticket }
            - name: quick-timeout
              identities: [impatient]
              require_approval: { relations: [customers], mode: wait, timeout: 1s }
            - name: big-exports
              identities: [exporter]
              require_approval: { rows: 5000, mode: wait, timeout: 20s }
            - name: daily-volume
              identities: [windowed]
              require_approval: { rows_per_window: 5000, window: 1h, mode: ticket }
        """;

    private const string Approvals = """
        approvals:
          approver_groups: [dba]
        """;

    private static readonly Principal Approver = new("dba-1", ["dba"], AuthenticationMethod.DevToken, "sluice-dev", null);

    private static HarnessOptions Options(string? folder = null) =>
        new() { PolicyYaml = Policy, ApprovalsYaml = Approvals, Folder = folder };

    private static async Task<ApprovalRequest> PendingAsync(ApprovalService service, string subject)
    {
        for (var i = 0; i < 300; i++)
        {
            var pending = service.List(ApprovalStatus.Pending).FirstOrDefault(r => r.Subject == subject);
            if (pending is not null)
            {
                return pending;
            }

            await Task.Delay(50);
        }

        throw new TimeoutException($"no pending approval for {subject}");
    }

    [Fact]
    public async Task WaitMode_Approved_TheHeldStatementRuns()
    {
        await using var gateway = await GatewayHarness.StartAsync(postgres, Options());
        var service = gateway.Services.Approvals!;
        await using var connection = await gateway.OpenAsync(gateway.MintDevToken("requester", "demo"));
        var running = new NpgsqlCommand("SELECT count(*) FROM customers", connection).ExecuteScalarAsync();

        var request = await PendingAsync(service, "requester");
        Assert.Equal("SELECT count(*) FROM customers", request.Statement);
        Assert.False(running.IsCompleted);
        service.Approve(request.Id, Approver, "looks fine");

        Assert.Equal(10_000L, await running.WaitAsync(TimeSpan.FromSeconds(15)));
        Assert.Equal(ApprovalStatus.Used, service.Find(request.Id)!.Status);
    }

    [Fact]
    public async Task WaitMode_Denied_IsRefusedWithTheApproversReason_AndTheSessionGoesOn()
    {
        await using var gateway = await GatewayHarness.StartAsync(postgres, Options());
        var service = gateway.Services.Approvals!;
        await using var connection = await gateway.OpenAsync(gateway.MintDevToken("requester", "demo"));
        var running = new NpgsqlCommand("SELECT * FROM customers", connection).ExecuteScalarAsync();

        service.Deny((await PendingAsync(service, "requester")).Id, Approver, "not today");

        var error = await Assert.ThrowsAsync<PostgresException>(() => running);
        Assert.Equal("42501", error.SqlState);
        Assert.Contains("denied by dba-1: not today", error.MessageText, StringComparison.Ordinal);
        Assert.Equal(1, await new NpgsqlCommand("SELECT 1", connection).ExecuteScalarAsync());
    }

    [Fact]
    public async Task WaitMode_TimedOut_IsRefused()
    {
        await using var gateway = await GatewayHarness.StartAsync(postgres, Options());
        await using var connection = await gateway.OpenAsync(gateway.MintDevToken("impatient", "demo"));
        var error = await Assert.ThrowsAsync<PostgresException>(
            () => new NpgsqlCommand("SELECT count(*) FROM customers", connection).ExecuteScalarAsync());
        Assert.Equal("42501", error.SqlState);
        Assert.Contains("not decided in time", error.MessageText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TicketMode_RefusesWithATicket_RunsOnceApproved_AndTheGrantIsSingleUse()
    {
        await using var gateway = await GatewayHarness.StartAsync(postgres, Options());
        var service = gateway.Services.Approvals!;
        await using var connection = await gateway.OpenAsync(gateway.MintDevToken("requester", "demo"));
        const string sql = "SELECT body FROM tickets WHERE id = 2";

        var first = await Assert.ThrowsAsync<PostgresException>(() => new NpgsqlCommand(sql, connection).ExecuteScalarAsync());
        Assert.Equal("42501", first.SqlState);
        var ticket = service.List(ApprovalStatus.Pending).Single(r => r.Subject == "requester");
        Assert.Contains($"approval {ticket.Id} requested", first.MessageText, StringComparison.Ordinal);

        var self = Assert.Throws<ApprovalException>(() => service.Approve(
            ticket.Id, new Principal("requester", ["dba"], AuthenticationMethod.DevToken, "sluice-dev", null), null));
        Assert.Contains("own request", self.Message, StringComparison.Ordinal);

        service.Approve(ticket.Id, Approver, null);
        Assert.Equal("No personal data here", await new NpgsqlCommand(sql, connection).ExecuteScalarAsync());

        var again = await Assert.ThrowsAsync<PostgresException>(() => new NpgsqlCommand(sql, connection).ExecuteScalarAsync());
        Assert.Contains("requested", again.MessageText, StringComparison.Ordinal);
        Assert.DoesNotContain(ticket.Id, again.MessageText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PendingRequest_SurvivesAGatewayRestart_AndItsGrantStillWorks()
    {
        string folder;
        string id;
        await using (var gateway = await GatewayHarness.StartAsync(postgres, Options()))
        {
            folder = gateway.Folder;
            await using var connection = await gateway.OpenAsync(gateway.MintDevToken("requester", "demo"));
            await Assert.ThrowsAsync<PostgresException>(
                () => new NpgsqlCommand("SELECT id FROM tickets WHERE id = 1", connection).ExecuteScalarAsync());
            id = gateway.Services.Approvals!.List(ApprovalStatus.Pending).Single().Id;
        }

        await using var restarted = await GatewayHarness.StartAsync(postgres, Options(folder));
        var service = restarted.Services.Approvals!;
        Assert.Equal(ApprovalStatus.Pending, service.Find(id)!.Status);
        service.Approve(id, Approver, "after the restart");
        await using var again = await restarted.OpenAsync(restarted.MintDevToken("requester", "demo"));
        Assert.Equal(1, await new NpgsqlCommand("SELECT id FROM tickets WHERE id = 1", again).ExecuteScalarAsync());
    }

    [Fact]
    public async Task LargeExport_PausesMidStream_ThenCompletesOnceApproved()
    {
        await using var gateway = await GatewayHarness.StartAsync(postgres, Options());
        var service = gateway.Services.Approvals!;
        await using var connection = await gateway.OpenAsync(gateway.MintDevToken("exporter", "demo"));
        Assert.Equal(100, await connection.CountRowsAsync("SELECT * FROM customers LIMIT 100"));

        var export = connection.CountRowsAsync("SELECT * FROM customers");
        var request = await PendingAsync(service, "exporter");
        Assert.Equal("big-exports", request.RuleName);
        await Task.Delay(300);
        Assert.False(export.IsCompleted, "the export must pause while the approval is pending");

        service.Approve(request.Id, Approver, "quarterly report");
        Assert.Equal(10_000, await export.WaitAsync(TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public async Task LargeExport_Denied_IsCancelledWithAnError_AndTheSessionGoesOn()
    {
        await using var gateway = await GatewayHarness.StartAsync(postgres, Options());
        var service = gateway.Services.Approvals!;
        await using var connection = await gateway.OpenAsync(gateway.MintDevToken("exporter", "demo"));

        var export = connection.CountRowsAsync("SELECT * FROM customers");
        service.Deny((await PendingAsync(service, "exporter")).Id, Approver, "too much");

        var error = await Assert.ThrowsAsync<PostgresException>(() => export);
        Assert.Equal("42501", error.SqlState);
        Assert.Contains("denied by dba-1: too much", error.MessageText, StringComparison.Ordinal);
        Assert.Equal(1, await new NpgsqlCommand("SELECT 1", connection).ExecuteScalarAsync());
    }

    [Fact]
    public async Task RollingWindow_OnceAnIdentityHasReadItsShare_FurtherReadsNeedApproval()
    {
        await using var gateway = await GatewayHarness.StartAsync(postgres, Options());
        var service = gateway.Services.Approvals!;
        await using var connection = await gateway.OpenAsync(gateway.MintDevToken("windowed", "demo"));
        const string sql = "SELECT * FROM customers LIMIT 3000";
        Assert.Equal(3000, await connection.CountRowsAsync(sql));
        Assert.Equal(3000, await connection.CountRowsAsync(sql));

        var refused = await Assert.ThrowsAsync<PostgresException>(() => connection.CountRowsAsync(sql));
        Assert.Equal("42501", refused.SqlState);
        Assert.Contains("daily-volume", refused.MessageText, StringComparison.Ordinal);
        var ticket = service.List(ApprovalStatus.Pending).Single(r => r.Subject == "windowed");

        service.Approve(ticket.Id, Approver, null);
        Assert.Equal(3000, await connection.CountRowsAsync(sql));
    }
}
