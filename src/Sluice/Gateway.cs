using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Sluice.Core.Approvals;
using Sluice.Core.Audit;
using Sluice.Host.Admin;
using Sluice.Core.Configuration;
using Sluice.Core.Identity;
using Sluice.Core.Policy;
using Sluice.Core.Recording;
using Sluice.Core.Sessions;
using Sluice.Protocols.Postgres;

namespace Sluice.Host;

/// <summary>
/// A running gateway: the listeners of one configuration, each accepting connections and handing them to
/// the session of its protocol.
/// </summary>
internal sealed partial class Gateway : IAsyncDisposable
{
    private readonly List<Socket> _sockets = [];
    private readonly List<Task> _acceptLoops = [];
    private readonly List<PgListener> _listeners = [];
    private AdminServer? _admin;
    private readonly CancellationTokenSource _stopping = new();
    private readonly ILogger _logger;
    private readonly HttpClient _http;
    private int _openConnections;

    private Gateway(GatewayServices services, HttpClient http)
    {
        Services = services;
        _http = http;
        _logger = services.Loggers.CreateLogger("Sluice.Gateway");
    }

    public GatewayServices Services { get; }

    /// <summary>Where the admin API listens, when configured.</summary>
    public IPEndPoint? AdminEndpoint => _admin?.Endpoint;

    /// <summary>Where each listener is bound, by listener name (useful when the config asks for port 0).</summary>
    public Dictionary<string, IPEndPoint> Endpoints { get; } = new(StringComparer.Ordinal);

    public int OpenConnections => Volatile.Read(ref _openConnections);

    public static Gateway Start(SluiceConfig config, ILoggerFactory loggers, TimeProvider? time = null)
    {
        time ??= TimeProvider.System;
        Directory.CreateDirectory(config.DataDirectory);
        var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        var devKey = config.Identity.DevIssuer ? DevSigningKey.LoadOrCreate(config.DataDirectory) : null;
        var auditPath = config.Audit.Path == "-" ? "-" : Path.Combine(config.DataDirectory, config.Audit.Path);
        var audit = new AuditLog(auditPath, time);
        var approvals = new ApprovalService(
            Path.Combine(config.DataDirectory, "approvals"),
            new ApprovalOptions
            {
                ApproverGroups = config.Approvals.ApproverGroups,
                GrantLifetime = config.Approvals.GrantTtl,
                TicketLifetime = config.Approvals.TicketTtl,
                WebhookUrl = config.Approvals.WebhookUrl,
            },
            time,
            audit,
            http,
            loggers.CreateLogger("Sluice.Approvals"));
        var services = new GatewayServices
        {
            Config = config,
            Authenticator = new TokenAuthenticator(config.Identity, devKey, time, http),
            Access = new AccessPolicy(config.Access),
            Recordings = new RecordingStore(Path.Combine(config.DataDirectory, "recordings")),
            RecordingOptions = new RecordingOptions
            {
                RowBytesPerStatement = config.Recording.RowBytesPerStatement,
                FlushInterval = config.Recording.FlushInterval,
                ZstdLevel = config.Recording.ZstdLevel,
                BindParameters = config.Recording.BindParameters,
            },
            Audit = audit,
            Approvals = approvals,
            Masking = MaskingSetup.Build(config, loggers.CreateLogger("Sluice.Masking")),
            Guardrails = new GuardrailPolicy(config.Policy),
            Loggers = loggers,
            Time = time,
        };

        var gateway = new Gateway(services, http);
        if (devKey is not null)
        {
            Log.DevIssuerEnabled(gateway._logger);
        }

        try
        {
            foreach (var listener in config.Listeners)
            {
                gateway.Listen(listener);
            }

            if (config.Admin.Listen is not null)
            {
                gateway._admin = new AdminServer(
                    config.Admin, services.Authenticator, config.Approvals.ApproverGroups, approvals,
                    loggers.CreateLogger("Sluice.Admin"));
                gateway._admin.StartAsync().GetAwaiter().GetResult();
                Log.AdminListening(gateway._logger, gateway._admin.Endpoint.ToString());
            }
        }
        catch
        {
            gateway.DisposeAsync().AsTask().GetAwaiter().GetResult();
            throw;
        }

        return gateway;
    }

    private void Listen(ListenerConfig listener)
    {
        var certificate = ListenerCertificates.Load(listener, Services.Config.DataDirectory, _logger);
        var handler = new PgListener(listener, Services, certificate);
        _listeners.Add(handler);
        var socket = new Socket(listener.Listen.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            socket.Bind(listener.Listen);
            socket.Listen(512);
        }
        catch (SocketException e)
        {
            socket.Dispose();
            throw new InvalidOperationException(
                $"listener {listener.Name} cannot listen on {listener.Listen}: {e.Message}", e);
        }

        _sockets.Add(socket);
        var bound = (IPEndPoint)socket.LocalEndPoint!;
        Endpoints[listener.Name] = bound;
        Log.Listening(_logger, listener.Name, listener.Protocol.ToString().ToLowerInvariant(), bound.ToString());
        _acceptLoops.Add(AcceptLoopAsync(socket, handler, _stopping.Token));
    }

    private async Task AcceptLoopAsync(Socket listenSocket, PgListener handler, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await listenSocket.AcceptAsync(cancellationToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (SocketException e) when (e.SocketErrorCode is SocketError.OperationAborted or SocketError.Interrupted)
            {
                return;
            }
            catch (ObjectDisposedException)
            {
                return;
            }
            catch (SocketException e)
            {
                Log.AcceptFailed(_logger, e.SocketErrorCode.ToString());
                continue;
            }

            _ = ServeAsync(client, handler, cancellationToken);
        }
    }

    private async Task ServeAsync(Socket client, PgListener handler, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _openConnections);
        try
        {
            await Task.Yield();
            await handler.HandleAsync(client, cancellationToken);
        }
        catch (Exception e)
        {
            // Sessions answer and log their own failures; reaching here is a bug, and must not stop the node.
            Log.ConnectionCrashed(_logger, e);
            client.Dispose();
        }
        finally
        {
            Interlocked.Decrement(ref _openConnections);
        }
    }

    /// <summary>Stops accepting, ends open sessions (their recordings are finalised) and waits for them.</summary>
    public async ValueTask DisposeAsync()
    {
        if (!_stopping.IsCancellationRequested)
        {
            await _stopping.CancelAsync();
        }

        foreach (var socket in _sockets)
        {
            socket.Dispose();
        }

        await Task.WhenAll(_acceptLoops);
        Services.Sessions.AbortAll("gateway shutting down");
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (OpenConnections > 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }

        foreach (var listener in _listeners)
        {
            await listener.DisposeAsync();
        }

        if (_admin is not null)
        {
            await _admin.DisposeAsync();
        }

        if (Services.Approvals is not null)
        {
            await Services.Approvals.DisposeAsync();
        }

        Services.Audit.Dispose();
        (Services.Authenticator as IDisposable)?.Dispose();
        _http.Dispose();
        _stopping.Dispose();
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "listener {Listener} ({Protocol}) listening on {Endpoint}")]
        public static partial void Listening(ILogger logger, string listener, string protocol, string endpoint);

        [LoggerMessage(2, LogLevel.Warning, "accepting a connection failed: {Error}")]
        public static partial void AcceptFailed(ILogger logger, string error);

        [LoggerMessage(4, LogLevel.Error, "a connection failed outside its session")]
        public static partial void ConnectionCrashed(ILogger logger, Exception exception);

        [LoggerMessage(5, LogLevel.Information, "admin API listening on {Endpoint}")]
        public static partial void AdminListening(ILogger logger, string endpoint);

        [LoggerMessage(3, LogLevel.Warning,
            "the development token issuer is trusted (identity.dev_issuer): tokens minted by `sluice token` are " +
            "accepted; turn it off outside development")]
        public static partial void DevIssuerEnabled(ILogger logger);
    }
}
