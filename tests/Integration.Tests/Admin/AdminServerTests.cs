using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Sluice.Core.Approvals;
using Sluice.Core.Configuration;
using Sluice.Core.Identity;
using Sluice.Host.Admin;

namespace Sluice.IntegrationTests.Admin;

/// <summary>
/// The admin API over real HTTP on loopback, authenticating with the gateway's real token authenticator and
/// the development issuer. The approval service is replaced by <see cref="FakeApprovals"/> through the
/// <see cref="IApprovalDecisions"/> seam, since the real service is sealed.
/// </summary>
public sealed class AdminServerTests : IAsyncLifetime, IDisposable
{
    private const string ApiKey = "approver-api-key-for-tests";

    private readonly string _directory = Directory.CreateTempSubdirectory("sluice-admin-").FullName;
    private readonly FakeApprovals _approvals = new();
    private readonly ListLogger _logger = new();
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(20) };
    private DevSigningKey _key = null!;
    private TokenAuthenticator _auth = null!;
    private AdminServer _server = null!;

    public async Task InitializeAsync()
    {
        _key = DevSigningKey.LoadOrCreate(_directory);
        var identity = new IdentityConfig
        {
            DevIssuer = true,
            ApiKeys = [new ApiKeyConfig { Identity = "robot", Sha256 = ApiKeys.Hash(ApiKey), Groups = ["dba"] }],
        };
        _auth = new TokenAuthenticator(identity, _key, TimeProvider.System);
        _server = new AdminServer(
            new AdminConfig { Listen = new IPEndPoint(IPAddress.Loopback, 0) }, _auth, ["dba"], _approvals, _logger);
        await _server.StartAsync();
        _http.BaseAddress = new Uri($"http://{_server.Endpoint}/");
        _approvals.Add("a1", "alice", "DELETE FROM orders");
        _approvals.Add("a2", "bob", "UPDATE accounts\n   SET balance = 0", ApprovalStatus.Approved);
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }

    public void Dispose()
    {
        _auth.Dispose();
        _http.Dispose();
    }

    private string Token(string subject, params string[] groups) =>
        _key.Mint(subject, groups, TimeSpan.FromMinutes(5), TimeProvider.System);

    private async Task<HttpResponseMessage> SendAsync(
        HttpMethod method, string path, string? token, string? body = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        }

        return await _http.SendAsync(request);
    }

    private static async Task<JsonElement> Json(HttpResponseMessage response)
    {
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return document.RootElement.Clone();
    }

    [Fact]
    public void Port_zero_binds_a_real_loopback_port()
    {
        Assert.Equal(IPAddress.Loopback, _server.Endpoint.Address);
        Assert.NotEqual(0, _server.Endpoint.Port);
    }

    [Fact]
    public async Task Healthz_needs_no_token()
    {
        using var response = await SendAsync(HttpMethod.Get, "healthz", token: null);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("ok", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Missing_token_is_401_with_a_bearer_challenge()
    {
        using var response = await SendAsync(HttpMethod.Get, "approvals", token: null);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("Bearer", Assert.Single(response.Headers.WwwAuthenticate).Scheme);
        Assert.Contains("bearer token is required", (await Json(response)).GetProperty("error").GetString());
    }

    [Fact]
    public async Task Basic_credentials_are_not_a_bearer_token()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "approvals");
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", "dXNlcjpwYXNz");
        using var response = await _http.SendAsync(request);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Bad_token_is_401()
    {
        using var unknownKey = await SendAsync(HttpMethod.Get, "approvals", "not-a-configured-key");
        Assert.Equal(HttpStatusCode.Unauthorized, unknownKey.StatusCode);

        // Signed by a different dev key: well formed, but not one this gateway trusts.
        var other = Directory.CreateTempSubdirectory("sluice-admin-other-").FullName;
        try
        {
            var foreign = DevSigningKey.LoadOrCreate(other).Mint("mallory", ["dba"], TimeSpan.FromMinutes(5),
                TimeProvider.System);
            using var forged = await SendAsync(HttpMethod.Post, "approvals/a1/approve", foreign);
            Assert.Equal(HttpStatusCode.Unauthorized, forged.StatusCode);
            Assert.Equal(ApprovalStatus.Pending, _approvals.Find("a1")!.Status);
        }
        finally
        {
            Directory.Delete(other, recursive: true);
        }
    }

    [Fact]
    public async Task Valid_identity_outside_the_approver_groups_is_403()
    {
        using var response = await SendAsync(HttpMethod.Post, "approvals/a1/approve", Token("alice", "developers"));
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains("'alice' is not in an approver group", (await Json(response)).GetProperty("error").GetString());
        Assert.Equal(ApprovalStatus.Pending, _approvals.Find("a1")!.Status);
    }

    public static TheoryData<string, string, HttpStatusCode> RefusedDeciders
    {
        get
        {
            var data = new TheoryData<string, string, HttpStatusCode>();
            foreach (var action in new[] { "approve", "deny" })
            {
                data.Add(action, "missing", HttpStatusCode.Unauthorized);
                data.Add(action, "wrong-api-key", HttpStatusCode.Unauthorized);
                data.Add(action, "foreign-key", HttpStatusCode.Unauthorized);
                data.Add(action, "expired", HttpStatusCode.Unauthorized);
                data.Add(action, "not-an-approver", HttpStatusCode.Forbidden);
            }

            return data;
        }
    }

    /// <summary>
    /// Every endpoint that changes state (POST approvals/{id}/approve and approvals/{id}/deny) refuses a caller
    /// that is not a current approver, and the request stays pending.
    /// </summary>
    [Theory]
    [MemberData(nameof(RefusedDeciders))]
    public async Task State_changing_endpoints_refuse_every_caller_but_an_approver(
        string action, string caller, HttpStatusCode expected)
    {
        var foreignFolder = Directory.CreateTempSubdirectory("sluice-admin-foreign-").FullName;
        try
        {
            var token = caller switch
            {
                "missing" => null,
                "wrong-api-key" => ApiKey[..^1] + "X",
                "foreign-key" => DevSigningKey.LoadOrCreate(foreignFolder)
                    .Mint("mallory", ["dba"], TimeSpan.FromMinutes(5), TimeProvider.System),
                "expired" => _key.Mint("carol", ["dba"], TimeSpan.FromMinutes(5), new FixedTime(DateTimeOffset.UtcNow.AddHours(-1))),
                _ => Token("alice", "developers"),
            };

            using var response = await SendAsync(HttpMethod.Post, $"approvals/a1/{action}", token, """{"reason": "x"}""");
            Assert.Equal(expected, response.StatusCode);
            Assert.Equal(ApprovalStatus.Pending, _approvals.Find("a1")!.Status);
        }
        finally
        {
            Directory.Delete(foreignFolder, recursive: true);
        }
    }

    [Fact]
    public async Task Approver_lists_every_request_as_json()
    {
        using var response = await SendAsync(HttpMethod.Get, "approvals", Token("dana", "dba"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var list = await Json(response);
        Assert.Equal(2, list.GetArrayLength());
        var first = list[0];
        Assert.Equal("a1", first.GetProperty("id").GetString());
        Assert.Equal("alice", first.GetProperty("subject").GetString());
        Assert.Equal("demo", first.GetProperty("connection").GetString());
        Assert.Equal("DELETE FROM orders", first.GetProperty("statement").GetString());
        Assert.Equal("DELETE without WHERE", first.GetProperty("reason").GetString());
        Assert.Equal("big-deletes", first.GetProperty("rule").GetString());
        Assert.Equal("pending", first.GetProperty("status").GetString());
        Assert.Equal("ticket", first.GetProperty("mode").GetString());
        Assert.Equal("approved", list[1].GetProperty("status").GetString());
    }

    [Fact]
    public async Task Status_filter_narrows_the_list_and_rejects_unknown_states()
    {
        using var pending = await SendAsync(HttpMethod.Get, "approvals?status=pending", Token("dana", "dba"));
        var list = await Json(pending);
        Assert.Equal("a1", Assert.Single(list.EnumerateArray()).GetProperty("id").GetString());

        using var bad = await SendAsync(HttpMethod.Get, "approvals?status=maybe", Token("dana", "dba"));
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
    }

    [Fact]
    public async Task Approver_reads_one_request_and_gets_404_for_an_unknown_id()
    {
        using var found = await SendAsync(HttpMethod.Get, "approvals/a1", Token("dana", "dba"));
        Assert.Equal(HttpStatusCode.OK, found.StatusCode);
        Assert.Equal("session-a1", (await Json(found)).GetProperty("session_id").GetString());

        using var missing = await SendAsync(HttpMethod.Get, "approvals/nope", Token("dana", "dba"));
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Contains("no approval request 'nope'", (await Json(missing)).GetProperty("error").GetString());
    }

    [Fact]
    public async Task Approve_records_the_approver_and_reason_and_logs_the_decision()
    {
        using var response = await SendAsync(
            HttpMethod.Post, "approvals/a1/approve", Token("dana", "dba"), """{"reason": "cleanup ticket 7"}""");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await Json(response);
        Assert.Equal("approved", body.GetProperty("status").GetString());
        Assert.Equal("dana", body.GetProperty("decided_by").GetString());
        Assert.True(body.TryGetProperty("grant_expires_at", out _));

        var stored = _approvals.Find("a1")!;
        Assert.Equal((ApprovalStatus.Approved, "dana", "cleanup ticket 7"),
            (stored.Status, stored.DecidedBy, stored.DecisionReason));
        Assert.Contains(_logger.Entries, e => e.Level == LogLevel.Information
            && e.Message.Contains("dana", StringComparison.Ordinal)
            && e.Message.Contains("a1", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Deny_without_a_body_works_and_an_api_key_approver_is_accepted()
    {
        using var response = await SendAsync(HttpMethod.Post, "approvals/a1/deny", ApiKey);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("denied", (await Json(response)).GetProperty("status").GetString());
        var stored = _approvals.Find("a1")!;
        Assert.Equal(
            (ApprovalStatus.Denied, "robot", (string?)null), (stored.Status, stored.DecidedBy, stored.DecisionReason));
    }

    [Fact]
    public async Task Deciding_a_decided_request_is_409_with_the_service_message()
    {
        using var response = await SendAsync(HttpMethod.Post, "approvals/a2/deny", Token("dana", "dba"));
        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Equal(
            "request 'a2' is approved, not pending", (await Json(response)).GetProperty("error").GetString());
    }

    [Fact]
    public async Task Deciding_an_unknown_id_is_404()
    {
        using var response = await SendAsync(HttpMethod.Post, "approvals/ghost/approve", Token("dana", "dba"));
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task Malformed_body_is_400_and_decides_nothing()
    {
        using var response = await SendAsync(HttpMethod.Post, "approvals/a1/approve", Token("dana", "dba"), "{reason");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(ApprovalStatus.Pending, _approvals.Find("a1")!.Status);
    }

    [Fact]
    public async Task Wrong_method_is_405()
    {
        using var response = await SendAsync(HttpMethod.Get, "approvals/a1/approve", Token("dana", "dba"));
        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
        Assert.Equal(ApprovalStatus.Pending, _approvals.Find("a1")!.Status);
    }

    private sealed class FixedTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
