using System.Net;
using Sluice.Core.Approvals;
using Sluice.Core.Configuration;
using Sluice.Core.Identity;
using Sluice.Host.Admin;
using Sluice.IntegrationTests.Infrastructure;

namespace Sluice.IntegrationTests.Admin;

/// <summary>
/// <c>sluice approvals</c>, <c>approve</c> and <c>deny</c> as separate processes against an admin API served
/// in this test process, the way an approver uses them against a running gateway.
/// </summary>
public sealed class ApprovalCommandsTests : IAsyncLifetime, IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("sluice-approvals-").FullName;
    private readonly FakeApprovals _approvals = new();
    private DevSigningKey _key = null!;
    private TokenAuthenticator _auth = null!;
    private AdminServer _server = null!;
    private string _config = null!;

    public async Task InitializeAsync()
    {
        _key = DevSigningKey.LoadOrCreate(_directory);
        _auth = new TokenAuthenticator(new IdentityConfig { DevIssuer = true }, _key, TimeProvider.System);
        _server = new AdminServer(
            new AdminConfig { Listen = new IPEndPoint(IPAddress.Loopback, 0) }, _auth, ["dba"], _approvals,
            new ListLogger());
        await _server.StartAsync();
        _config = WriteConfig($"admin:\n  listen: {_server.Endpoint}\n");
        _approvals.Add("a1", "alice", "DELETE FROM orders\n  WHERE created < now() - interval '90 days' AND archived");
        _approvals.Add("a2", "bob", "TRUNCATE audit_log", ApprovalStatus.Denied);
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }

    public void Dispose() => _auth.Dispose();

    private string WriteConfig(string extra)
    {
        var path = Path.Combine(_directory, $"sluice-{Guid.NewGuid():N}.yaml");
        File.WriteAllText(path, $"""
            data_dir: {_directory}
            listeners:
              - name: pg
                protocol: postgres
                listen: 127.0.0.1:6432
                connections: [demo]
            connections:
              - name: demo
                protocol: postgres
                upstream: {"{"} host: 127.0.0.1, user: u, password: {"{"} env: SLUICE_UNSET_SECRET {"}"} {"}"}
            identity:
              dev_issuer: true

            """ + extra);
        return path;
    }

    private string Token(string subject, params string[] groups) =>
        _key.Mint(subject, groups, TimeSpan.FromMinutes(5), TimeProvider.System);

    private static async Task<ProcessResult> RunAsync(string? envToken, params string[] arguments)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        return await ProcessRunner.RunAsync(
            "dotnet",
            ["exec", Path.Combine(AppContext.BaseDirectory, "sluice.dll"), .. arguments],
            asPostgres: false,
            environment: new Dictionary<string, string> { ["SLUICE_TOKEN"] = envToken ?? string.Empty },
            ct: timeout.Token);
    }

    [Fact]
    public async Task Approvals_prints_pending_requests_as_a_table_by_default()
    {
        var result = await RunAsync(Token("dana", "dba"), "approvals", "--config", _config);
        Assert.True(result.ExitCode == 0, result.StandardError);
        var lines = result.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("ID", lines[0], StringComparison.Ordinal);
        foreach (var column in new[] { "AGE", "IDENTITY", "CONNECTION", "RULE", "STATEMENT" })
        {
            Assert.Contains(column, lines[0], StringComparison.Ordinal);
        }

        var row = Assert.Single(lines, l => l.StartsWith("a1", StringComparison.Ordinal));
        Assert.Contains("alice", row, StringComparison.Ordinal);
        Assert.Contains("demo", row, StringComparison.Ordinal);
        Assert.Contains("big-deletes", row, StringComparison.Ordinal);
        Assert.Contains(" 3m ", row, StringComparison.Ordinal);
        // Newlines folded and the statement cut to 60 characters.
        Assert.EndsWith(
            "  DELETE FROM orders WHERE created < now() - interval '90 day…", row, StringComparison.Ordinal);
        Assert.Contains(lines, l => l.Contains("reason: DELETE without WHERE", StringComparison.Ordinal));
        Assert.DoesNotContain(lines, l => l.StartsWith("a2", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Approvals_status_filter_and_token_option()
    {
        var result = await RunAsync(null, "approvals", "--config", _config, "--status", "denied",
            "--token", Token("dana", "dba"));
        Assert.True(result.ExitCode == 0, result.StandardError);
        Assert.Contains(result.StandardOutput.Split('\n'), l => l.StartsWith("a2", StringComparison.Ordinal));
        Assert.DoesNotContain(result.StandardOutput.Split('\n'), l => l.StartsWith("a1", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Approve_prints_one_line_and_records_the_reason()
    {
        var result = await RunAsync(Token("dana", "dba"), "approve", "a1", "--config", _config, "--reason", "ok'd");
        Assert.True(result.ExitCode == 0, result.StandardError);
        Assert.StartsWith("approved a1: alice on demo", result.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("decided by dana", result.StandardOutput, StringComparison.Ordinal);
        var stored = _approvals.Find("a1")!;
        Assert.Equal((ApprovalStatus.Approved, "ok'd"), (stored.Status, stored.DecisionReason));
    }

    [Fact]
    public async Task Deny_of_a_decided_request_exits_1_with_the_server_error()
    {
        var result = await RunAsync(Token("dana", "dba"), "deny", "a2", "--config", _config);
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("request 'a2' is denied, not pending", result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Non_approver_is_refused_with_exit_1()
    {
        var result = await RunAsync(Token("alice", "developers"), "deny", "a1", "--config", _config);
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("not in an approver group", result.StandardError, StringComparison.Ordinal);
        Assert.Equal(ApprovalStatus.Pending, _approvals.Find("a1")!.Status);
    }

    [Fact]
    public async Task Missing_token_is_a_usage_error()
    {
        var result = await RunAsync(null, "approvals", "--config", _config);
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("pass --token or set SLUICE_TOKEN", result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Config_without_admin_section_is_a_usage_error()
    {
        var result = await RunAsync(Token("dana", "dba"), "approve", "a1", "--config", WriteConfig(string.Empty));
        Assert.Equal(2, result.ExitCode);
        Assert.Contains(
            "the configuration has no admin section; the approval commands talk to the gateway's admin API",
            result.StandardError,
            StringComparison.Ordinal);
    }
}
