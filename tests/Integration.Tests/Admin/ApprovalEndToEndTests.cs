using System.Net;
using System.Net.Sockets;
using Npgsql;
using Sluice.Core.Approvals;
using Sluice.IntegrationTests.Cli;
using Sluice.IntegrationTests.Infrastructure;
using Sluice.IntegrationTests.Postgres;

namespace Sluice.IntegrationTests.Admin;

/// <summary>An approver on the command line releases a real statement held by a running gateway.</summary>
[Collection("postgres")]
public sealed class ApprovalEndToEndTests(PostgresFixture postgres)
{
    [Fact]
    public async Task ApproverOnTheCommandLine_ReleasesATicketedStatement_ButNotTheirOwn()
    {
        await postgres.Server.ExecuteSqlAsync($"SET ROLE {PostgresFixture.UpstreamUser};\n{MaskingRules.Fixtures}", "demo");
        var port = FreePort();
        await using var gateway = await GatewayHarness.StartAsync(postgres, new HarnessOptions
        {
            PolicyYaml = """
                policy:
                  rules:
                    - name: tickets-need-a-ticket
                      require_approval: { relations: [tickets], mode: ticket }
                """,
            ApprovalsYaml = $"""
                approvals:
                  approver_groups: [dba]
                admin:
                  listen: 127.0.0.1:{port}
                """,
        });

        const string sql = "SELECT body FROM tickets WHERE id = 2";
        await using var connection = await gateway.OpenAsync(gateway.MintDevToken("analyst", "demo", "dba"));
        await Assert.ThrowsAsync<PostgresException>(() => new NpgsqlCommand(sql, connection).ExecuteScalarAsync());
        var id = gateway.Services.Approvals!.List(ApprovalStatus.Pending).Single().Id;

        var own = await SluiceCli.RunAsync(
            "approve", id, "--config", gateway.ConfigPath, "--token", gateway.MintDevToken("analyst", "dba"));
        Assert.Equal(1, own.ExitCode);
        Assert.Contains("own request", own.Output + own.Error, StringComparison.Ordinal);

        var approverToken = gateway.MintDevToken("dba-on-call", "dba");
        var list = await SluiceCli.RunAsync("approvals", "--config", gateway.ConfigPath, "--token", approverToken);
        Assert.Equal(0, list.ExitCode);
        Assert.Contains(id, list.Output, StringComparison.Ordinal);
        Assert.Contains("analyst", list.Output, StringComparison.Ordinal);

        var approve = await SluiceCli.RunAsync(
            "approve", id, "--config", gateway.ConfigPath, "--token", approverToken, "--reason", "checked");
        Assert.Equal(0, approve.ExitCode);
        Assert.Equal("No personal data here", await new NpgsqlCommand(sql, connection).ExecuteScalarAsync());

        var audit = await File.ReadAllTextAsync(gateway.AuditFile);
        Assert.Contains("\"type\":\"approval.approved\"", audit, StringComparison.Ordinal);
        Assert.Contains("dba-on-call", audit, StringComparison.Ordinal);
    }

    private static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }
}
