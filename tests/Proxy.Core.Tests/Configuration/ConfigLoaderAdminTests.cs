using System.Net;
using Sluice.Core.Configuration;

namespace Sluice.Core.Tests.Configuration;

public sealed class ConfigLoaderAdminTests
{
    private const string Source = "/etc/sluice/sluice.yaml";

    // Twelve lines; appended sections start on line 12.
    private const string Base = """
        listeners:
          - name: pg
            protocol: postgres
            listen: 127.0.0.1:6432
            connections: [demo]
        connections:
          - name: demo
            protocol: postgres
            upstream:
              host: h
              user: u
        """;

    private static SluiceConfig Load(string extra) => ConfigLoader.Parse(Base + "\n" + extra, Source);

    private static void Fails(string extra, int line, int column, string reason)
    {
        var ex = Assert.Throws<ConfigException>(() => Load(extra));
        Assert.Contains(reason, ex.Reason, StringComparison.Ordinal);
        Assert.Equal((Source, line, column), (ex.File, ex.Line, ex.Column));
    }

    [Fact]
    public void Absent_sections_mean_no_admin_api_and_default_ttls()
    {
        var config = ConfigLoader.Parse(Base, Source);
        Assert.Null(config.Admin.Listen);
        Assert.Empty(config.Approvals.ApproverGroups);
        Assert.Equal(TimeSpan.FromMinutes(15), config.Approvals.GrantTtl);
        Assert.Equal(TimeSpan.FromHours(1), config.Approvals.TicketTtl);
        Assert.Null(config.Approvals.WebhookUrl);
    }

    [Fact]
    public void Admin_listen_is_bound()
    {
        var config = Load("admin:\n  listen: 127.0.0.1:6480");
        Assert.Equal(new IPEndPoint(IPAddress.Loopback, 6480), config.Admin.Listen);
    }

    [Fact]
    public void Admin_accepts_ipv6_and_non_loopback_addresses()
    {
        Assert.Equal(new IPEndPoint(IPAddress.IPv6Loopback, 0), Load("admin:\n  listen: '[::1]:0'").Admin.Listen);
        Assert.Equal(IPAddress.Any, Load("admin:\n  listen: 0.0.0.0:6480").Admin.Listen!.Address);
    }

    [Fact]
    public void Approvals_section_is_bound()
    {
        var config = Load("""
            approvals:
              approver_groups: [dba, oncall]
              grant_ttl: 5m
              ticket_ttl: 2h
              webhook_url: https://hooks.example.com/sluice
            """);
        Assert.Equal(["dba", "oncall"], config.Approvals.ApproverGroups);
        Assert.Equal(TimeSpan.FromMinutes(5), config.Approvals.GrantTtl);
        Assert.Equal(TimeSpan.FromHours(2), config.Approvals.TicketTtl);
        Assert.Equal(new Uri("https://hooks.example.com/sluice"), config.Approvals.WebhookUrl);
    }

    [Fact]
    public void Single_approver_group_and_loopback_http_webhook_are_accepted()
    {
        var config = Load("approvals:\n  approver_groups: dba\n  webhook_url: http://127.0.0.1:9000/hook");
        Assert.Equal(["dba"], config.Approvals.ApproverGroups);
        Assert.Equal(new Uri("http://127.0.0.1:9000/hook"), config.Approvals.WebhookUrl);
    }

    [Fact]
    public void Unknown_admin_key() =>
        Fails("admin:\n  listn: 127.0.0.1:1", 13, 3, "unknown key 'listn' in 'admin'; allowed keys: listen");

    [Fact]
    public void Admin_without_listen() =>
        Fails("admin:\n  listen:", 13, 3, "'listen' in 'admin' needs a value");

    [Fact]
    public void Admin_must_be_a_mapping() =>
        Fails("admin: 127.0.0.1:6480", 12, 8, "'admin' must be a mapping of keys to values, found a single value");

    [Fact]
    public void Admin_listen_host_name_is_refused() =>
        Fails("admin:\n  listen: localhost:6480", 13, 11, "'localhost' is not an IP address");

    [Fact]
    public void Admin_listen_port_out_of_range() =>
        Fails("admin:\n  listen: 127.0.0.1:70000", 13, 11, "port '70000' is out of range");

    [Fact]
    public void Unknown_approvals_key() =>
        Fails("approvals:\n  approvers: [dba]", 13, 3,
            "unknown key 'approvers' in 'approvals'; allowed keys: "
            + "approver_groups, grant_ttl, ticket_ttl, webhook_url");

    [Fact]
    public void Bad_duration_is_reported_at_the_value() =>
        Fails("approvals:\n  grant_ttl: soon", 13, 14, "'grant_ttl' must be a duration such as 500ms");

    [Fact]
    public void Zero_ticket_ttl_is_refused() =>
        Fails("approvals:\n  ticket_ttl: 0s", 13, 15, "'ticket_ttl' must be longer than zero");

    [Fact]
    public void Plain_http_webhook_to_a_remote_host_is_refused() =>
        Fails("approvals:\n  webhook_url: http://hooks.example.com/x", 13, 16,
            "'webhook_url' must be an absolute https:// URL (http:// only for loopback)");

    [Fact]
    public void Relative_webhook_is_refused() =>
        Fails("approvals:\n  webhook_url: /hook", 13, 16, "'webhook_url' must be an absolute https:// URL");

    [Fact]
    public void Approver_group_entries_must_be_names() =>
        Fails("approvals:\n  approver_groups:\n    - [dba]", 14, 7, "each entry of 'approver_groups' must be a name");
}
