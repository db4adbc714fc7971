using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Sluice.Core.Approvals;

namespace Sluice.Host.Admin;

/// <summary>What a call to the admin API came to: the value, or the server's (or the network's) refusal.</summary>
internal readonly record struct AdminResult<T>(T? Value, int Status, string? Error)
    where T : class
{
    public bool Succeeded => Value is not null;
}

/// <summary>
/// Calls a running gateway's admin API for the approval commands. Uses source-generated JSON only, so it
/// works in the native build.
/// </summary>
internal sealed class AdminClient : IDisposable
{
    private readonly HttpClient _http;

    public AdminClient(Uri baseAddress, string token, HttpMessageHandler? handler = null)
    {
        _http = handler is null ? new HttpClient() : new HttpClient(handler);
        _http.BaseAddress = baseAddress;
        _http.Timeout = TimeSpan.FromSeconds(30);
        _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
    }

    /// <summary>
    /// The URL for a configured admin endpoint. A wildcard address is reached over loopback; port 0 has no
    /// fixed port to reach, so it yields null.
    /// </summary>
    public static Uri? BaseAddressFor(IPEndPoint listen)
    {
        if (listen.Port == 0)
        {
            return null;
        }

        var address = listen.Address.Equals(IPAddress.Any) ? IPAddress.Loopback
            : listen.Address.Equals(IPAddress.IPv6Any) ? IPAddress.IPv6Loopback
            : listen.Address;
        return new Uri($"http://{new IPEndPoint(address, listen.Port)}/");
    }

    public Task<AdminResult<List<ApprovalView>>> ListAsync(ApprovalStatus? status, CancellationToken ct)
    {
        var path = status is { } s ? $"approvals?status={ApprovalView.StatusName(s)}" : "approvals";
        return SendAsync(new HttpRequestMessage(HttpMethod.Get, path), AdminJsonContext.Default.ListApprovalView, ct);
    }

    public Task<AdminResult<ApprovalView>> DecideAsync(string id, bool approve, string? reason, CancellationToken ct)
    {
        var body = JsonSerializer.SerializeToUtf8Bytes(new DecisionBody(reason), AdminJsonContext.Default.DecisionBody);
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        var request = new HttpRequestMessage(
            HttpMethod.Post, $"approvals/{Uri.EscapeDataString(id)}/{(approve ? "approve" : "deny")}")
        {
            Content = content,
        };
        return SendAsync(request, AdminJsonContext.Default.ApprovalView, ct);
    }

    public void Dispose() => _http.Dispose();

    private async Task<AdminResult<T>> SendAsync<T>(
        HttpRequestMessage request, JsonTypeInfo<T> type, CancellationToken ct)
        where T : class
    {
        using (request)
        {
            try
            {
                using var response = await _http.SendAsync(request, ct);
                var bytes = await response.Content.ReadAsByteArrayAsync(ct);
                var status = (int)response.StatusCode;
                if (response.IsSuccessStatusCode)
                {
                    var value = JsonSerializer.Deserialize(bytes, type);
                    return value is null
                        ? new AdminResult<T>(null, status, "the admin API answered with an empty body")
                        : new AdminResult<T>(value, status, null);
                }

                return new AdminResult<T>(null, status, ErrorText(bytes, response.ReasonPhrase));
            }
            catch (HttpRequestException e)
            {
                return new AdminResult<T>(null, 0, $"cannot reach the admin API at {_http.BaseAddress}: {e.Message}");
            }
            catch (TaskCanceledException) when (!ct.IsCancellationRequested)
            {
                return new AdminResult<T>(null, 0, $"the admin API at {_http.BaseAddress} did not answer in time");
            }
            catch (JsonException e)
            {
                return new AdminResult<T>(null, 0, $"the admin API answered with unreadable JSON: {e.Message}");
            }
        }
    }

    private static string ErrorText(byte[] body, string? reasonPhrase)
    {
        try
        {
            if (JsonSerializer.Deserialize(body, AdminJsonContext.Default.ErrorBody) is { Error: { } error })
            {
                return error;
            }
        }
        catch (JsonException)
        {
            // Not the API's error shape (a proxy's page, say): fall back to the status line.
        }

        return reasonPhrase ?? "refused";
    }
}
