using System.Buffers;

namespace Sluice.Protocols.Postgres;

internal sealed partial class PgSession
{
    /// <summary>
    /// Delivers a client's CancelRequest to the upstream backend it names, with the upstream's own secret.
    /// As with PostgreSQL itself, the client gets no answer either way: an unknown key is dropped silently so
    /// it cannot be used to probe for live sessions.
    /// </summary>
    private async ValueTask ForwardCancelAsync(int processId, int secretKey, CancellationToken cancellationToken)
    {
        if (!_listener.Cancels.TryFind(processId, secretKey, out var target))
        {
            PgLog.CancelUnknown(_logger, _client);
            return;
        }

        try
        {
            var (stream, _) = await PgUpstreamConnection.ConnectAsync(target.Connection, cancellationToken);
            await using (stream)
            {
                var request = new ArrayBufferWriter<byte>(16);
                PgWriter.CancelRequest(request, target.ProcessId, target.UpstreamSecret);
                await stream.WriteAsync(request.WrittenMemory, cancellationToken);
                await stream.FlushAsync(cancellationToken);

                // The server closes the connection once it has read the request.
                var sink = new byte[1];
                while (await stream.ReadAsync(sink, cancellationToken) > 0)
                {
                }
            }

            target.Recorder?.Note("cancel", $"client {_client} requested cancellation of the running statement");
            PgLog.CancelForwarded(_logger, target.SessionId, target.ProcessId);
        }
        catch (Exception e) when (e is PgUpstreamException or IOException or System.Net.Sockets.SocketException)
        {
            PgLog.CancelFailed(_logger, target.ProcessId, e.Message);
        }
    }

    /// <summary>
    /// Cancels the statement running on this session's upstream backend, as a client's CancelRequest would: the
    /// gateway's own way to stop a result it will not let through. Best effort, like every PostgreSQL cancel.
    /// </summary>
    private async Task CancelRunningStatementAsync()
    {
        if (_upstream is not { } upstream || _connection is not { } connection)
        {
            return;
        }

        try
        {
            var (stream, _) = await PgUpstreamConnection.ConnectAsync(connection, CancellationToken.None);
            await using (stream)
            {
                var request = new ArrayBufferWriter<byte>(16);
                PgWriter.CancelRequest(request, upstream.ProcessId, upstream.SecretKey);
                await stream.WriteAsync(request.WrittenMemory);
                await stream.FlushAsync();
                var sink = new byte[1];
                while (await stream.ReadAsync(sink) > 0)
                {
                }
            }

            _recorder?.Note("cancel", "the gateway cancelled the running statement");
            PgLog.CancelForwarded(_logger, SessionId, upstream.ProcessId);
        }
        catch (Exception e) when (e is PgUpstreamException or IOException or System.Net.Sockets.SocketException)
        {
            PgLog.CancelFailed(_logger, upstream.ProcessId, e.Message);
        }
    }
}
