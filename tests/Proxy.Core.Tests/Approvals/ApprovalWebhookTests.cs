using System.Net;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Sluice.Core.Approvals;
using Sluice.Core.Policy;

namespace Sluice.Core.Tests.Approvals;

public sealed class ApprovalWebhookTests : ApprovalTestBed
{
    private static readonly Uri Hook = new("https://chat.example.test/hooks/approvals");

    private static ApprovalOptions WithHook() => new() { ApproverGroups = ["dba"], WebhookUrl = Hook };

    [Fact]
    public async Task Each_new_request_is_posted_as_chat_json()
    {
        var handler = new RecordingHandler(HttpStatusCode.OK);
        using var client = new HttpClient(handler);
        var service = NewService(WithHook(), client);

        var request = RequestFrom(service, Alice, ApprovalMode.Ticket);
        RequestFrom(service, Alice, ApprovalMode.Ticket);
        await service.DisposeAsync();

        var post = Assert.Single(handler.Posts);
        Assert.Equal(HttpMethod.Post, post.Method);
        Assert.Equal(Hook, post.Uri);
        Assert.Equal("application/json", post.ContentType);
        using var json = JsonDocument.Parse(post.Body);
        var root = json.RootElement;
        Assert.Equal(
            $"Sluice approval {request.Id}: alice on orders wants to run: DELETE FROM orders WHERE id = 7 " +
            "(rule prod-writes: writes on production need a second pair of eyes). " +
            $"Approve: sluice approve {request.Id}",
            root.GetProperty("text").GetString());
        var body = root.GetProperty("request");
        Assert.Equal(request.Id, body.GetProperty("id").GetString());
        Assert.Equal("alice", body.GetProperty("subject").GetString());
        Assert.Equal("orders", body.GetProperty("connection").GetString());
        Assert.Equal("DELETE FROM orders WHERE id = 7", body.GetProperty("statement").GetString());
        Assert.Equal("prod-writes", body.GetProperty("rule").GetString());
        Assert.Equal("writes on production need a second pair of eyes", body.GetProperty("reason").GetString());
        Assert.Equal("ticket", body.GetProperty("mode").GetString());
        Assert.Equal(request.ExpiresAt, body.GetProperty("expires_at").GetDateTimeOffset());
    }

    [Fact]
    public async Task Long_statements_are_cut_to_500_characters()
    {
        var handler = new RecordingHandler(HttpStatusCode.OK);
        using var client = new HttpClient(handler);
        var service = NewService(WithHook(), client);
        var statement = "SELECT " + new string('x', 2000);

        RequestFrom(service, Alice, statement: statement);
        await service.DisposeAsync();

        using var json = JsonDocument.Parse(Assert.Single(handler.Posts).Body);
        var sent = json.RootElement.GetProperty("request").GetProperty("statement").GetString()!;
        Assert.Equal(statement[..500] + "…", sent);
        Assert.Contains(sent, json.RootElement.GetProperty("text").GetString());
    }

    [Fact]
    public async Task A_failing_webhook_is_logged_and_the_request_stands()
    {
        var handler = new RecordingHandler(HttpStatusCode.InternalServerError);
        using var client = new HttpClient(handler);
        var service = NewService(WithHook(), client);
        var broken = new RecordingHandler(null);
        using var brokenClient = new HttpClient(broken);
        var other = NewService(WithHook(), brokenClient);

        var request = RequestFrom(service, Alice);
        var second = RequestFrom(other, Alice, fingerprint: "fp-2");
        await service.DisposeAsync();
        await other.DisposeAsync();

        Assert.Single(handler.Posts);
        Assert.Single(broken.Posts);
        var warnings = Logger.Entries.Where(e => e.Level == LogLevel.Warning).Select(e => e.Message).ToList();
        Assert.Contains(warnings, w => w.Contains(request.Id, StringComparison.Ordinal) && w.Contains("HTTP 500"));
        Assert.Contains(warnings, w => w.Contains(second.Id, StringComparison.Ordinal) && w.Contains("unreachable"));
        Assert.Equal(ApprovalStatus.Pending, request.Status);
    }

    [Fact]
    public async Task Without_a_url_nothing_is_posted()
    {
        var handler = new RecordingHandler(HttpStatusCode.OK);
        using var client = new HttpClient(handler);
        var service = NewService(DefaultOptions, client);

        RequestFrom(service, Alice);
        await service.DisposeAsync();

        Assert.Empty(handler.Posts);
    }

    /// <summary>Answers with the status, or throws as an unreachable host would when it is null.</summary>
    private sealed class RecordingHandler(HttpStatusCode? status) : HttpMessageHandler
    {
        private readonly Lock _gate = new();
        private readonly List<Post> _posts = [];

        public IReadOnlyList<Post> Posts
        {
            get
            {
                lock (_gate)
                {
                    return [.. _posts];
                }
            }
        }

        protected override async Task<HttpResponseMessage> SendAsync(
            HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var body = await request.Content!.ReadAsStringAsync(cancellationToken);
            lock (_gate)
            {
                var mediaType = request.Content.Headers.ContentType!.MediaType!;
                _posts.Add(new Post(request.Method, request.RequestUri!, mediaType, body));
            }

            if (status is not { } code)
            {
                throw new HttpRequestException("host unreachable");
            }

            return new HttpResponseMessage(code);
        }
    }

    private sealed record Post(HttpMethod Method, Uri Uri, string ContentType, string Body);
}
