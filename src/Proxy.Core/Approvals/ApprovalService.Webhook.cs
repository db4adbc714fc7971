using System.Net.Http.Headers;
using System.Text.Json;

namespace Sluice.Core.Approvals;

/// <summary>Announcing new requests to a chat webhook, without ever holding up or failing the request.</summary>
public sealed partial class ApprovalService
{
    private static readonly TimeSpan WebhookTimeout = TimeSpan.FromSeconds(5);

    private readonly HttpClient? _webhookClient;
    private readonly bool _ownsWebhookClient;
    private readonly List<Task> _webhooks = [];

    private void Announce(ApprovalRequest request)
    {
        if (_options.WebhookUrl is not { } url || _webhookClient is not { } client)
        {
            return;
        }

        var post = Task.Run(() => PostAsync(client, url, request));
        lock (_gate)
        {
            _webhooks.RemoveAll(t => t.IsCompleted);
            _webhooks.Add(post);
        }
    }

    private async Task PostAsync(HttpClient client, Uri url, ApprovalRequest request)
    {
        try
        {
            var body = JsonSerializer.SerializeToUtf8Bytes(
                ApprovalWebhookPayload.For(request), ApprovalJsonContext.Default.ApprovalWebhookPayload);
            using var content = new ByteArrayContent(body);
            content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
            using var timeout = new CancellationTokenSource(WebhookTimeout, _time);
            using var response = await client.PostAsync(url, content, timeout.Token).ConfigureAwait(false);
            if (response.IsSuccessStatusCode)
            {
                ApprovalLog.WebhookPosted(_logger, request.Id, (int)response.StatusCode);
            }
            else
            {
                ApprovalLog.WebhookFailed(_logger, request.Id, $"HTTP {(int)response.StatusCode}");
            }
        }
        catch (Exception e)
        {
            // Fire-and-forget: whatever went wrong is logged and must not reach the request.
            ApprovalLog.WebhookFailed(_logger, request.Id, e.Message);
        }
    }
}
