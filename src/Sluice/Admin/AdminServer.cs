using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.Extensions.Logging;
using Sluice.Core.Approvals;
using Sluice.Core.Configuration;
using Sluice.Core.Identity;

namespace Sluice.Host.Admin;

/// <summary>
/// The gateway's admin HTTP API: lists approval requests and takes approvers' decisions. Built on
/// <see cref="HttpListener"/> because it survives native AOT without ASP.NET. Every endpoint but
/// <c>/healthz</c> needs a bearer token that the gateway's own authenticator accepts, naming a member of an
/// approver group. It speaks plain HTTP, which is why the configuration defaults to loopback.
/// </summary>
internal sealed partial class AdminServer : IAsyncDisposable
{
    /// <summary>Decision bodies hold one short reason; anything larger is refused unread.</summary>
    private const int MaxBodyBytes = 64 * 1024;

    private readonly IPEndPoint _configured;
    private readonly ICredentialAuthenticator _auth;
    private readonly IReadOnlyList<string> _approverGroups;
    private readonly IApprovalDecisions _approvals;
    private readonly ILogger _logger;
    private readonly HttpListener _listener = new();
    private readonly CancellationTokenSource _stopping = new();
    private Task _acceptLoop = Task.CompletedTask;

    public AdminServer(
        AdminConfig config,
        ICredentialAuthenticator auth,
        IReadOnlyList<string> approverGroups,
        ApprovalService approvals,
        ILogger logger)
        : this(config, auth, approverGroups, new ApprovalServiceDecisions(approvals), logger)
    {
    }

    internal AdminServer(
        AdminConfig config,
        ICredentialAuthenticator auth,
        IReadOnlyList<string> approverGroups,
        IApprovalDecisions approvals,
        ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(config);
        _configured = config.Listen
            ?? throw new ArgumentException("the admin section has no listen address", nameof(config));
        _auth = auth;
        _approverGroups = approverGroups;
        _approvals = approvals;
        _logger = logger;
        Endpoint = _configured;
    }

    /// <summary>The address and port bound; differs from the configured one when that asked for port 0.</summary>
    public IPEndPoint Endpoint { get; private set; }

    /// <summary>Binds the endpoint and starts serving in the background.</summary>
    public Task StartAsync()
    {
        var port = _configured.Port == 0 ? FreePort(_configured.Address) : _configured.Port;
        Endpoint = new IPEndPoint(_configured.Address, port);
        _listener.Prefixes.Add($"http://{PrefixHost(_configured.Address)}:{port}/");
        _listener.Start();
        if (!IPAddress.IsLoopback(_configured.Address))
        {
            Log.NotLoopback(_logger, Endpoint.ToString());
        }

        Log.Listening(_logger, Endpoint.ToString());
        _acceptLoop = AcceptLoopAsync();
        return Task.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        if (_listener.IsListening)
        {
            _listener.Stop();
        }

        await _acceptLoop;
        try
        {
            _listener.Close();
        }
        catch (HttpListenerException)
        {
            // The managed listener looks its endpoint up again while closing and can trip over another listener
            // that has taken the port meanwhile; it has stopped serving already, so there is nothing to undo.
        }

        _stopping.Dispose();
    }

    /// <summary>
    /// HttpListener cannot report the port it was given, so a free one is found first. Another process could
    /// take it in between; for an admin port that is configured as 0 only in tests, that risk is acceptable.
    /// </summary>
    private static int FreePort(IPAddress address)
    {
        using var probe = new TcpListener(address, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        return port;
    }

    private static string PrefixHost(IPAddress address)
    {
        if (address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any))
        {
            return "+";
        }

        return address.AddressFamily == AddressFamily.InterNetworkV6 ? $"[{address}]" : address.ToString();
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stopping.IsCancellationRequested)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException
                or InvalidOperationException)
            {
                if (_stopping.IsCancellationRequested)
                {
                    return;
                }

                Log.AcceptFailed(_logger, e.Message);
                continue;
            }

            _ = Task.Run(() => ServeAsync(context));
        }
    }

    private async Task ServeAsync(HttpListenerContext context)
    {
        var response = context.Response;
        try
        {
            await HandleAsync(context.Request, response);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            Log.RequestFailed(_logger, e);
            try
            {
                await WriteError(response, 500, "internal error; see the gateway's log");
            }
            catch (Exception late) when (late is HttpListenerException or ObjectDisposedException
                or InvalidOperationException)
            {
                // The response had already started or the client left; nothing more can be said.
            }
        }
        finally
        {
            response.Close();
        }
    }

    private async Task HandleAsync(HttpListenerRequest request, HttpListenerResponse response)
    {
        var path = request.Url?.AbsolutePath.TrimEnd('/') ?? string.Empty;
        if (path == "/healthz")
        {
            await (request.HttpMethod == "GET" ? WriteText(response, 200, "ok") : MethodNotAllowed(response, "GET"));
            return;
        }

        var approver = await AuthorizeAsync(request, response);
        if (approver is null)
        {
            return;
        }

        var segments = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (segments.Length == 0 || segments[0] != "approvals" || segments.Length > 3)
        {
            await WriteError(response, 404, $"no such endpoint: {path}");
            return;
        }

        var id = segments.Length > 1 ? Uri.UnescapeDataString(segments[1]) : null;
        switch (segments.Length)
        {
            case 1:
                await (request.HttpMethod == "GET" ? ListAsync(request, response) : MethodNotAllowed(response, "GET"));
                break;
            case 2:
                await (request.HttpMethod == "GET" ? ShowAsync(id!, response) : MethodNotAllowed(response, "GET"));
                break;
            case 3 when segments[2] is "approve" or "deny":
                await (request.HttpMethod == "POST"
                    ? DecideAsync(request, response, id!, approve: segments[2] == "approve", approver)
                    : MethodNotAllowed(response, "POST"));
                break;
            default:
                await WriteError(response, 404, $"no such endpoint: {path}");
                break;
        }
    }

    /// <summary>Returns the approver, or null after answering 401 or 403.</summary>
    private async Task<Principal?> AuthorizeAsync(HttpListenerRequest request, HttpListenerResponse response)
    {
        var header = request.Headers["Authorization"];
        const string scheme = "Bearer ";
        if (header is null || !header.StartsWith(scheme, StringComparison.OrdinalIgnoreCase)
            || header.Length == scheme.Length)
        {
            response.AddHeader("WWW-Authenticate", "Bearer");
            await WriteError(response, 401, "a bearer token is required (Authorization: Bearer <token>)");
            return null;
        }

        var result = await _auth.AuthenticateAsync(header[scheme.Length..].Trim(), _stopping.Token);
        if (result.Principal is not { } principal)
        {
            Log.Unauthenticated(_logger, result.Failure.ToString(), request.RemoteEndPoint?.ToString() ?? "?");
            response.AddHeader("WWW-Authenticate", "Bearer error=\"invalid_token\"");
            await WriteError(response, 401, "the token was not accepted");
            return null;
        }

        if (!IsApprover(principal))
        {
            Log.Forbidden(_logger, principal.Subject);
            await WriteError(response, 403, $"'{principal.Subject}' is not in an approver group");
            return null;
        }

        return principal;
    }

    private bool IsApprover(Principal principal)
    {
        foreach (var group in principal.Groups)
        {
            foreach (var approverGroup in _approverGroups)
            {
                if (string.Equals(group, approverGroup, StringComparison.Ordinal))
                {
                    return true;
                }
            }
        }

        return false;
    }

    private Task ListAsync(HttpListenerRequest request, HttpListenerResponse response)
    {
        ApprovalStatus? status = null;
        if (request.QueryString["status"] is { Length: > 0 } text)
        {
            if (!ApprovalView.TryParseStatus(text, out var parsed))
            {
                return WriteError(
                    response, 400, $"unknown status '{text}'; use pending, approved, denied, expired or used");
            }

            status = parsed;
        }

        var requests = _approvals.List(status);
        var views = new List<ApprovalView>(requests.Count);
        foreach (var item in requests)
        {
            views.Add(ApprovalView.From(item));
        }

        return WriteJson(response, 200, views, AdminJsonContext.Default.ListApprovalView);
    }

    private Task ShowAsync(string id, HttpListenerResponse response) =>
        _approvals.Find(id) is { } request
            ? WriteJson(response, 200, ApprovalView.From(request), AdminJsonContext.Default.ApprovalView)
            : WriteError(response, 404, $"no approval request '{id}'");

    private async Task DecideAsync(
        HttpListenerRequest request, HttpListenerResponse response, string id, bool approve, Principal approver)
    {
        var (body, bodyError) = await ReadBodyAsync(request);
        if (bodyError is not null)
        {
            await WriteError(response, 400, bodyError);
            return;
        }

        Log.Decision(_logger, approver.Subject, approve ? "approve" : "deny", id);
        if (_approvals.Find(id) is null)
        {
            await WriteError(response, 404, $"no approval request '{id}'");
            return;
        }

        ApprovalRequest decided;
        try
        {
            decided = approve
                ? _approvals.Approve(id, approver, body?.Reason)
                : _approvals.Deny(id, approver, body?.Reason);
        }
        catch (ApprovalException e)
        {
            await WriteError(response, 409, e.Message);
            return;
        }

        await WriteJson(response, 200, ApprovalView.From(decided), AdminJsonContext.Default.ApprovalView);
    }

    private static async Task<(DecisionBody? Body, string? Error)> ReadBodyAsync(HttpListenerRequest request)
    {
        if (!request.HasEntityBody)
        {
            return (null, null);
        }

        if (request.ContentLength64 > MaxBodyBytes)
        {
            return (null, $"the body is larger than {MaxBodyBytes} bytes");
        }

        using var buffer = new MemoryStream();
        var chunk = new byte[8192];
        int read;
        while ((read = await request.InputStream.ReadAsync(chunk)) > 0)
        {
            if (buffer.Length + read > MaxBodyBytes)
            {
                return (null, $"the body is larger than {MaxBodyBytes} bytes");
            }

            buffer.Write(chunk, 0, read);
        }

        if (buffer.Length == 0)
        {
            return (null, null);
        }

        try
        {
            var body = JsonSerializer.Deserialize(buffer.GetBuffer().AsSpan(0, (int)buffer.Length),
                AdminJsonContext.Default.DecisionBody);
            return (body, null);
        }
        catch (JsonException e)
        {
            return (null, $"the body must be JSON such as {{\"reason\": \"...\"}}: {e.Message}");
        }
    }

    private static Task MethodNotAllowed(HttpListenerResponse response, string allowed)
    {
        response.AddHeader("Allow", allowed);
        return WriteError(response, 405, $"use {allowed} here");
    }

    private static Task WriteError(HttpListenerResponse response, int status, string message) =>
        WriteJson(response, status, new ErrorBody(message), AdminJsonContext.Default.ErrorBody);

    private static Task WriteJson<T>(HttpListenerResponse response, int status, T value, JsonTypeInfo<T> type) =>
        Write(response, status, "application/json; charset=utf-8", JsonSerializer.SerializeToUtf8Bytes(value, type));

    private static Task WriteText(HttpListenerResponse response, int status, string text) =>
        Write(response, status, "text/plain; charset=utf-8", Encoding.UTF8.GetBytes(text));

    private static async Task Write(HttpListenerResponse response, int status, string contentType, byte[] body)
    {
        response.StatusCode = status;
        response.ContentType = contentType;
        response.ContentLength64 = body.Length;
        await response.OutputStream.WriteAsync(body);
    }

    private static partial class Log
    {
        [LoggerMessage(300, LogLevel.Information, "admin API listening on http://{Endpoint}/")]
        public static partial void Listening(ILogger logger, string endpoint);

        [LoggerMessage(301, LogLevel.Warning,
            "admin API listens on {Endpoint}, which is not a loopback address: it speaks plain HTTP, so approvers' " +
            "tokens cross the network unencrypted; prefer 127.0.0.1 behind an SSH tunnel or a TLS proxy")]
        public static partial void NotLoopback(ILogger logger, string endpoint);

        [LoggerMessage(302, LogLevel.Information, "approver {Subject} asked to {Decision} approval request {Id}")]
        public static partial void Decision(ILogger logger, string subject, string decision, string id);

        [LoggerMessage(303, LogLevel.Warning, "admin API refused a token from {Remote}: {Failure}")]
        public static partial void Unauthenticated(ILogger logger, string failure, string remote);

        [LoggerMessage(304, LogLevel.Warning, "admin API refused {Subject}: not in an approver group")]
        public static partial void Forbidden(ILogger logger, string subject);

        [LoggerMessage(305, LogLevel.Warning, "admin API accept failed: {Error}")]
        public static partial void AcceptFailed(ILogger logger, string error);

        [LoggerMessage(306, LogLevel.Error, "admin API request failed")]
        public static partial void RequestFailed(ILogger logger, Exception exception);
    }
}
