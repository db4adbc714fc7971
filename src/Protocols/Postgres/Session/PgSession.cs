using System.Buffers;
using System.IO.Pipelines;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Sluice.Core.Audit;
using Sluice.Core.Configuration;
using Sluice.Core.Identity;
using Sluice.Core.Recording;
using Sluice.Core.Sessions;
using Sluice.Core.Transport;

namespace Sluice.Protocols.Postgres;

/// <summary>
/// One client connection through the gateway: start-up and token authentication
/// (<c>PgSession.Startup.cs</c>), the upstream login with the injected credential
/// (<see cref="PgUpstreamConnection"/>), then the frame-by-frame relay (<c>PgSession.Relay.cs</c>) that feeds
/// the recorder (<c>PgSession.Inspect.cs</c>).
/// </summary>
internal sealed partial class PgSession : IGatewaySession, IDisposable
{
    private readonly PgListener _listener;
    private readonly Socket _socket;
    private readonly string _client;
    private readonly CancellationTokenSource _abort = new();
    private readonly ILogger _logger;

    private Stream _clientStream;
    private bool _clientTls;
    private string? _clientUser;
    private string? _applicationName;
    private Principal? _principal;
    private ConnectionConfig? _connection;
    private PgUpstreamConnection? _upstream;
    private SessionRecorder? _recorder;
    private PgSessionInspector? _inspector;
    private PgResultMasking? _masking;
    private int _clientSecretKey;
    private string _endReason = "client disconnected";

    public PgSession(PgListener listener, Socket socket)
    {
        _listener = listener;
        _socket = socket;
        _socket.NoDelay = true;
        _client = socket.RemoteEndPoint?.ToString() ?? "unknown";
        // On the event loop where it runs, so that the relay can later be driven by the loop itself.
        _clientStream = LoopSocket.TryAttach(socket) is { } attached
            ? new LoopSocketStream(attached)
            : new NetworkStream(socket, ownsSocket: true);
        _logger = listener.Logger;
        SessionId = RecordingStore.NewSessionId();
    }

    public string SessionId { get; }

    public string Connection => _connection?.Name ?? "";

    public string Subject => _principal?.Subject ?? "";

    private GatewayServices Services => _listener.Services;

    private ListenerConfig Listener => _listener.Listener;

    private int MaxMessageBytes => Services.Config.Limits.MaxMessageBytes;

    public void Abort(string reason)
    {
        _endReason = reason;
        try
        {
            _abort.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // The session ended between the registry's snapshot and this call: nothing left to abort.
        }
    }

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        using var lifetime = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _abort.Token);
        PgLog.ClientConnected(_logger, SessionId, _client, Listener.Name);
        var registered = false;
        try
        {
            if (!await StartAsync(lifetime.Token))
            {
                return;
            }

            Services.Sessions.Add(this);
            registered = true;
            await RelayAsync(lifetime.Token);
        }
        catch (OperationCanceledException) when (lifetime.IsCancellationRequested)
        {
            if (!_abort.IsCancellationRequested)
            {
                _endReason = "gateway shutting down";
            }
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException)
        {
            _endReason = $"connection lost: {e.Message}";
        }
        catch (Exception e)
        {
            _endReason = "internal error";
            PgLog.SessionCrashed(_logger, e, SessionId);
        }
        finally
        {
            if (registered)
            {
                Services.Sessions.Remove(this);
            }

            await FinishAsync();
        }
    }

    private async ValueTask FinishAsync()
    {
        if (_upstream is not null)
        {
            _listener.Cancels.Unregister(_upstream.ProcessId, _clientSecretKey);
            await _upstream.DisposeAsync();
        }

        await _clientStream.DisposeAsync();

        if (_recorder is not null && _principal is not null && _connection is not null)
        {
            var inspector = _inspector;
            var (statements, rows, bytes, masked) = inspector is null
                ? (0L, 0L, 0L, 0L)
                : (inspector.Statements, inspector.RowsToClient, inspector.BytesToClient, inspector.MaskedCells);
            if (_masking is not null)
            {
                _recorder.Note("masking", $"{masked} values masked in this session");
            }

            await _recorder.CompleteAsync(_endReason);
            Services.Audit.SessionEnded(
                SessionId, _principal.Subject, _connection.Name, _endReason, statements, rows, bytes, masked,
                _recorder.FinalHashHex);
            PgLog.SessionEnded(_logger, SessionId, _endReason, statements, rows, bytes, masked);
            await _recorder.DisposeAsync();
        }
    }

    /// <summary>Releases what <see cref="RunAsync"/> did not get to (a session that never ran).</summary>
    public void Dispose()
    {
        _clientStream.Dispose();
        _masking?.Dispose();
        _abort.Dispose();
    }

    /// <summary>Sends what <paramref name="write"/> produces to the client, during start-up only.</summary>
    private async ValueTask SendToClientAsync(Action<IBufferWriter<byte>> write, CancellationToken cancellationToken)
    {
        var output = new ArrayBufferWriter<byte>(256);
        write(output);
        await _clientStream.WriteAsync(output.WrittenMemory, cancellationToken);
        await _clientStream.FlushAsync(cancellationToken);
    }

    /// <summary>Ends start-up with a FATAL error the client can act on.</summary>
    private async ValueTask<bool> RejectAsync(
        string sqlState, string message, string logReason, CancellationToken cancellationToken, string? hint = null)
    {
        PgLog.StartupRejected(_logger, SessionId, _client, logReason);
        _endReason = logReason;
        try
        {
            await SendToClientAsync(w => PgWriter.ErrorResponse(w, "FATAL", sqlState, message, hint: hint), cancellationToken);
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException)
        {
            // The client is gone already; the refusal stands.
        }

        return false;
    }
}
