using System.Buffers;
using System.Buffers.Binary;
using System.Net.Security;
using System.Security.Authentication;
using System.Text;
using Sluice.Core.Audit;
using Sluice.Core.Configuration;
using Sluice.Core.Identity;
using Sluice.Core.Recording;
using Sluice.Core.Security;

namespace Sluice.Protocols.Postgres;

internal sealed partial class PgSession
{
    /// <summary>A JWT of many kilobytes is plausible; a password message beyond this is not.</summary>
    private const int MaxPasswordMessageBytes = 64 * 1024;

    /// <summary>
    /// Start-up parameters a client may not set, because they would change how the gateway must read the
    /// stream. Checked in the <c>options</c> parameter too.
    /// </summary>
    private static readonly string[] GuardedSettings = ["client_encoding", "standard_conforming_strings"];

    /// <summary>
    /// Runs the start-up phase to the point where the client has ReadyForQuery. Returns false when the session
    /// ended during start-up (refused, cancel request served, client gone).
    /// </summary>
    private async Task<bool> StartAsync(CancellationToken cancellationToken)
    {
        using var startup = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        startup.CancelAfter(Services.Config.Limits.StartupTimeout);
        try
        {
            var packet = await ReadStartupPacketAsync(startup.Token);
            if (packet is null)
            {
                return false;
            }

            // The start-up timeout bounds what the client controls; logging in upstream is bounded by the
            // connection's own connect_timeout, so a slow database is reported as such and not as a slow client.
            return await AuthenticateAsync(packet, startup.Token)
                && await OpenUpstreamAsync(packet, cancellationToken);
        }
        catch (OperationCanceledException) when (startup.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            return await RejectAsync("08000", "start-up took too long", "start-up timeout", CancellationToken.None);
        }
        catch (PgProtocolException e)
        {
            return await RejectAsync(e.SqlState, e.Message, $"malformed start-up: {e.Message}", CancellationToken.None);
        }
        catch (EndOfStreamException e)
        {
            // Closed mid-message or a failed TLS handshake; a close before the first byte (a health check)
            // returns null above and stays quiet.
            _endReason = "client closed during start-up";
            PgLog.StartupAbandoned(_logger, SessionId, _client, e.Message);
            return false;
        }
    }

    /// <summary>Answers SSLRequest, GSSENCRequest and CancelRequest until a StartupMessage arrives.</summary>
    private async Task<PgStartupPacket?> ReadStartupPacketAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var frame = await PgStreamFrames.ReadStartupAsync(_clientStream, cancellationToken);
            if (frame is null)
            {
                _endReason = "client closed before start-up";
                return null;
            }

            var packet = PgStartupPacket.Parse(frame);
            switch (packet.Code)
            {
                case PgStartupCode.SslRequest when !_clientTls:
                    await AnswerSslRequestAsync(cancellationToken);
                    break;
                case PgStartupCode.GssEncRequest when !_clientTls:
                    await _clientStream.WriteAsync("N"u8.ToArray(), cancellationToken);
                    break;
                case PgStartupCode.CancelRequest:
                    await ForwardCancelAsync(packet.CancelProcessId, packet.CancelSecretKey, cancellationToken);
                    _endReason = "cancel request";
                    return null;
                case PgStartupCode.Startup30 when packet.ProtocolMinor > 0 || HasProtocolOptions(packet):
                    // A newer 3.x client, or one asking for protocol options: tell it the gateway speaks 3.0
                    // without them, as a PostgreSQL server of that version would.
                    await SendToClientAsync(w => WriteNegotiateProtocolVersion(w, packet), cancellationToken);
                    return packet;
                case PgStartupCode.Startup30:
                    return packet;
                default:
                    await RejectAsync(
                        "0A000",
                        $"unsupported frontend protocol {packet.ProtocolVersion >> 16}.{packet.ProtocolVersion & 0xFFFF}: " +
                        "the gateway speaks 3.0",
                        "unsupported protocol or repeated encryption request",
                        cancellationToken);
                    return null;
            }
        }
    }

    private async ValueTask AnswerSslRequestAsync(CancellationToken cancellationToken)
    {
        var certificate = _listener.Certificate;
        if (certificate is null)
        {
            await _clientStream.WriteAsync("N"u8.ToArray(), cancellationToken);
            return;
        }

        await _clientStream.WriteAsync("S"u8.ToArray(), cancellationToken);
        var ssl = new SslStream(_clientStream, leaveInnerStreamOpen: false);
        try
        {
            await ssl.AuthenticateAsServerAsync(
                new SslServerAuthenticationOptions
                {
                    ServerCertificate = certificate,
                    EnabledSslProtocols = TlsPolicy.Protocols,
                    CipherSuitesPolicy = TlsPolicy.CipherSuitesPolicy,
                    ClientCertificateRequired = false,
                },
                cancellationToken);
        }
        catch (AuthenticationException e)
        {
            await ssl.DisposeAsync();
            throw new EndOfStreamException($"TLS handshake with the client failed: {e.Message}", e);
        }

        _clientStream = ssl;
        _clientTls = true;
        PgLog.ClientTls(_logger, SessionId, ssl.SslProtocol.ToString(), _client);
    }

    private static bool HasProtocolOptions(PgStartupPacket packet) =>
        packet.Parameters.Any(p => p.Key.StartsWith("_pq_.", StringComparison.Ordinal));

    private static void WriteNegotiateProtocolVersion(IBufferWriter<byte> output, PgStartupPacket packet)
    {
        var unknownOptions = packet.Parameters.Where(p => p.Key.StartsWith("_pq_.", StringComparison.Ordinal)).ToList();
        var length = 4 + 4 + 4 + unknownOptions.Sum(p => Encoding.UTF8.GetByteCount(p.Key) + 1);
        var span = output.GetSpan(1 + length);
        span[0] = (byte)PgBackendMessageType.NegotiateProtocolVersion;
        BinaryPrimitives.WriteInt32BigEndian(span[1..], length);
        BinaryPrimitives.WriteInt32BigEndian(span[5..], 0);
        BinaryPrimitives.WriteInt32BigEndian(span[9..], unknownOptions.Count);
        var offset = 13;
        foreach (var option in unknownOptions)
        {
            offset += Encoding.UTF8.GetBytes(option.Key, span[offset..]);
            span[offset++] = 0;
        }

        output.Advance(offset);
    }

    /// <summary>Asks the client for its token, checks it, then picks the connection and checks access.</summary>
    private async Task<bool> AuthenticateAsync(PgStartupPacket startup, CancellationToken cancellationToken)
    {
        _clientUser = startup.Get("user");
        _applicationName = startup.Get("application_name");

        if (!_clientTls && !Listener.AllowPlaintextAuthentication)
        {
            return await RejectAsync(
                "28000",
                "this gateway accepts tokens only over TLS",
                "token refused over plaintext",
                cancellationToken,
                hint: "connect with sslmode=require");
        }

        await SendToClientAsync(PgWriter.AuthenticationCleartextPassword, cancellationToken);
        var message = await PgStreamFrames.ReadMessageAsync(_clientStream, MaxPasswordMessageBytes, cancellationToken);
        if (message[0] != (byte)PgFrontendMessageType.Password)
        {
            throw new PgProtocolException($"expected a password message, got message type '{(char)message[0]}'");
        }

        var credential = Encoding.UTF8.GetString(PgMessages.PasswordText(message));
        var result = await Services.Authenticator.AuthenticateAsync(credential, cancellationToken);
        if (!result.Succeeded)
        {
            PgLog.AuthenticationFailed(_logger, SessionId, _client, _clientUser, result.Failure.ToString());
            Services.Audit.AuthenticationFailed(Listener.Name, _client, _clientUser, result.Failure);
            return await RejectAsync(
                "28P01",
                result.Failure switch
                {
                    AuthenticationFailure.Expired => "token has expired",
                    AuthenticationFailure.NotYetValid => "token is not valid yet",
                    AuthenticationFailure.Empty => "no token was given as the password",
                    _ => "token was not accepted",
                },
                $"authentication failed: {result.Failure}",
                cancellationToken,
                hint: "present a current token from a trusted issuer as the password");
        }

        _principal = result.Principal!;
        return await AuthorizeAsync(startup, _principal, cancellationToken);
    }

    private async Task<bool> AuthorizeAsync(PgStartupPacket startup, Principal principal, CancellationToken cancellationToken)
    {
        var requested = startup.Get("database") ?? _clientUser ?? "";
        ConnectionConfig? connection = null;
        foreach (var name in Listener.Connections)
        {
            if (string.Equals(name, requested, StringComparison.Ordinal))
            {
                connection = Services.Config.FindConnection(name);
            }
        }

        if (connection is null)
        {
            return await RefuseAsync(
                principal, requested, "3D000", $"no connection named \"{requested}\" on this listener",
                $"unknown connection \"{requested}\"", cancellationToken,
                hint: $"use one of these as the database name: {string.Join(", ", Listener.Connections)}");
        }

        if (!Services.Access.Allows(principal, connection.Name))
        {
            return await RefuseAsync(
                principal, connection.Name, "28000",
                $"identity \"{principal.Subject}\" may not use connection \"{connection.Name}\"",
                "no access rule allows it", cancellationToken);
        }

        if (IsReplicationRequest(startup) && !connection.AllowReplication)
        {
            return await RefuseAsync(
                principal, connection.Name, "28000",
                $"replication connections to \"{connection.Name}\" are refused: a replication stream bypasses inspection",
                "replication not allowed", cancellationToken);
        }

        var guarded = FindGuardedSetting(startup);
        if (guarded is not null)
        {
            return await RefuseAsync(
                principal, connection.Name, "22023",
                $"the start-up setting \"{guarded}\" cannot be changed through the gateway",
                $"guarded start-up setting {guarded}", cancellationToken,
                hint: "the gateway needs UTF-8 text and standard-conforming strings to inspect the session");
        }

        _connection = connection;
        return true;
    }

    private async Task<bool> RefuseAsync(
        Principal principal, string connection, string sqlState, string message, string reason,
        CancellationToken cancellationToken, string? hint = null)
    {
        PgLog.AccessRefused(_logger, SessionId, principal.Subject, Listener.Name, reason);
        Services.Audit.AccessDenied(Listener.Name, _client, principal, connection, reason);
        return await RejectAsync(sqlState, message, reason, cancellationToken, hint);
    }

    private static bool IsReplicationRequest(PgStartupPacket startup)
    {
        var value = startup.Get("replication");
        return value is not null && !(value.Equals("false", StringComparison.OrdinalIgnoreCase)
            || value.Equals("off", StringComparison.OrdinalIgnoreCase)
            || value.Equals("no", StringComparison.OrdinalIgnoreCase)
            || value == "0");
    }

    /// <summary>
    /// Returns the name of a start-up setting that would blind the gateway, or null. SQL_ASCII is accepted as a
    /// client encoding because the server then sends the database's own bytes unconverted (psql asks for it
    /// under the C locale).
    /// </summary>
    private static string? FindGuardedSetting(PgStartupPacket startup)
    {
        var encoding = startup.Get("client_encoding");
        if (encoding is not null && !IsUtf8Compatible(encoding))
        {
            return "client_encoding";
        }

        var options = startup.Get("options");
        if (options is not null)
        {
            foreach (var setting in GuardedSettings)
            {
                if (options.Contains(setting, StringComparison.OrdinalIgnoreCase)
                    || options.Contains(setting.Replace('_', '-'), StringComparison.OrdinalIgnoreCase))
                {
                    return setting;
                }
            }
        }

        return null;
    }

    private static bool IsUtf8Compatible(string encoding)
    {
        var name = encoding.Replace("-", "", StringComparison.Ordinal).Replace("_", "", StringComparison.Ordinal);
        return name.Equals("UTF8", StringComparison.OrdinalIgnoreCase)
            || name.Equals("UNICODE", StringComparison.OrdinalIgnoreCase)
            || name.Equals("SQLASCII", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>Logs in upstream, gives the client its greeting and starts the recording.</summary>
    private async Task<bool> OpenUpstreamAsync(PgStartupPacket startup, CancellationToken cancellationToken)
    {
        var connection = _connection!;
        var principal = _principal!;
        try
        {
            _upstream = await PgUpstreamConnection.OpenAsync(
                connection, UpstreamStartupParameters(startup, connection), MaxMessageBytes, cancellationToken);
        }
        catch (PgUpstreamException e)
        {
            PgLog.UpstreamFailed(_logger, SessionId, PgUpstreamConnection.Describe(connection), connection.Name, e.Message);
            return await RejectAsync(e.ClientSqlState, e.ClientMessage, "upstream unavailable", cancellationToken);
        }
        catch (Exception e) when (e is IOException or PgProtocolException or System.Net.Sockets.SocketException)
        {
            PgLog.UpstreamFailed(_logger, SessionId, PgUpstreamConnection.Describe(connection), connection.Name, e.Message);
            return await RejectAsync(
                "08006", $"the database of connection \"{connection.Name}\" closed the login", "upstream login failed",
                cancellationToken);
        }

        var header = new SessionHeader(
            SessionId, Services.Time.GetUtcNow(), principal.Subject, principal.Groups, principal.Method.ToString(),
            principal.Issuer, connection.Name, "postgres", _client, _clientUser, _applicationName,
            PgUpstreamConnection.Describe(connection), _clientTls);
        if (!await StartRecordingAsync(header, principal, connection, cancellationToken))
        {
            return false;
        }

        var recorder = _recorder!;

        var scope = Services.Masking.ForPrincipal(principal.Subject, principal.Groups);
        _masking = scope.IsEmpty ? null : new PgResultMasking(scope, _listener.CatalogFor(connection));
        var sessionId = SessionId;
        var approvals = Services.Approvals is { } service
            ? new PgApprovalContext(service, principal, connection.Name, sessionId)
            : null;
        var guardrails = Services.Guardrails.ForPrincipal(principal.Subject, principal.Groups);
        var guard = new PgStatementGuard(guardrails, approvals, principal.Subject);
        var volume = guardrails.PerStatementVolume is { } limit
            ? new PgVolumeGuard(limit, approvals, CancelRunningStatementAsync)
            : null;
        _inspector = new PgSessionInspector(recorder, Services.RecordingOptions.BindParameters, _masking, guard, volume)
        {
            OnResultVolume = guardrails.WindowVolume is { } window
                ? (rows, bytes) => window.Add(principal.Subject, rows, bytes)
                : null,
            OnDenied = (decision, statement, message) =>
            {
                PgLog.StatementDenied(_logger, sessionId, decision.RuleName ?? "", message);
                Services.Audit.StatementDenied(
                    sessionId, principal.Subject, connection.Name, decision.RuleName ?? "", message,
                    statement?.Class.ToString(), statement?.Fingerprint);
            },
        };
        _clientSecretKey = _listener.Cancels.Register(
            new PgCancelTarget(SessionId, connection, _upstream.ProcessId, _upstream.SecretKey, recorder));

        var upstream = _upstream;
        await SendToClientAsync(
            w =>
            {
                PgWriter.AuthenticationOk(w);
                foreach (var frame in upstream.ParameterStatusFrames)
                {
                    w.Write(frame);
                }

                PgWriter.BackendKeyData(w, upstream.ProcessId, _clientSecretKey);
                PgWriter.ReadyForQuery(w, upstream.TransactionStatus);
            },
            cancellationToken);

        Services.Audit.SessionStarted(
            SessionId, principal, Listener.Name, connection.Name, _client, _clientUser,
            recorder.IsRecording ? recorder.FilePath : null);
        PgLog.SessionOpened(
            _logger, SessionId, principal.Subject, principal.Method.ToString(), connection.Name, _client,
            upstream.ProcessId);
        return true;
    }

    /// <summary>
    /// The client's start-up parameters as the upstream gets them: user and database replaced by the
    /// connection's own, everything else (application_name, options, DateStyle…) passed through.
    /// </summary>
    private static List<KeyValuePair<string, string>> UpstreamStartupParameters(
        PgStartupPacket startup, ConnectionConfig connection)
    {
        var parameters = new List<KeyValuePair<string, string>> { new("user", connection.Upstream.User) };
        if (connection.Upstream.Database is { } database)
        {
            parameters.Add(new("database", database));
        }

        foreach (var parameter in startup.Parameters)
        {
            if (parameter.Key is "user" or "database" || parameter.Key.StartsWith("_pq_.", StringComparison.Ordinal))
            {
                continue;
            }

            parameters.Add(parameter);
        }

        return parameters;
    }
}
