using System.Buffers;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using Sluice.Core.Configuration;
using Sluice.Core.Security;
using Sluice.Core.Transport;

namespace Sluice.Protocols.Postgres;

/// <summary>
/// The gateway's own connection to the upstream server, logged in with the connection's credential.
/// After <see cref="OpenAsync"/> returns, the upstream has sent ReadyForQuery and nothing more is buffered.
/// </summary>
internal sealed class PgUpstreamConnection : IAsyncDisposable
{
    private PgUpstreamConnection(Stream stream, bool tls)
    {
        Stream = stream;
        IsTls = tls;
    }

    public Stream Stream { get; }

    public bool IsTls { get; }

    public int ProcessId { get; private set; }

    public int SecretKey { get; private set; }

    public char TransactionStatus { get; private set; } = 'I';

    /// <summary>ParameterStatus messages as the upstream sent them, in order, to replay to the client.</summary>
    public List<byte[]> ParameterStatusFrames { get; } = [];

    public static string Describe(ConnectionConfig connection) => $"{connection.Upstream.Host}:{connection.Upstream.Port}";

    /// <summary>
    /// Connects and logs in. The whole of it (TCP, TLS, authentication) must finish within the connection's
    /// <c>connect_timeout</c>: a database that accepts the connection but never answers, or a host whose
    /// listen queue is full, is given up on with 08001 rather than holding the client until it gives up itself.
    /// </summary>
    public static async Task<PgUpstreamConnection> OpenAsync(
        ConnectionConfig connection,
        IReadOnlyList<KeyValuePair<string, string>> startupParameters,
        int maxMessageBytes,
        CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(connection.Upstream.ConnectTimeout);
        PgUpstreamConnection? upstream = null;
        try
        {
            var (stream, tls) = await ConnectAsync(connection, timeout.Token);
            upstream = new PgUpstreamConnection(stream, tls);
            await upstream.StartAsync(connection, startupParameters, maxMessageBytes, timeout.Token);
            return upstream;
        }
        catch (Exception e) when (upstream is not null || e is not PgUpstreamException)
        {
            if (upstream is not null)
            {
                await upstream.DisposeAsync();
            }

            if (e is OperationCanceledException && timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                throw TimedOut(connection, upstream is null ? "connect" : "log in", e);
            }

            throw;
        }
    }

    /// <summary>Opens TCP to the upstream and negotiates TLS as the connection asks.</summary>
    public static async Task<(Stream Stream, bool Tls)> ConnectAsync(
        ConnectionConfig connection, CancellationToken cancellationToken)
    {
        var upstream = connection.Upstream;
        Socket? socket = null;
        Stream stream;
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(upstream.ConnectTimeout);
            if (await LoopSocket.TryConnectAsync(upstream.Host, upstream.Port, timeout.Token) is { } attached)
            {
                stream = new LoopSocketStream(attached);
            }
            else
            {
                socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                await socket.ConnectAsync(upstream.Host, upstream.Port, timeout.Token);
                stream = new NetworkStream(socket, ownsSocket: true);
            }
        }
        catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            socket?.Dispose();
            throw TimedOut(connection, "connect", e);
        }
        catch (SocketException e)
        {
            socket?.Dispose();
            throw new PgUpstreamException(
                $"cannot connect to {Describe(connection)}: {e.Message}",
                "08001",
                $"the gateway cannot reach the database of connection \"{connection.Name}\" ({Explain(e.SocketErrorCode)})",
                e);
        }
        catch
        {
            socket?.Dispose();
            throw;
        }

        if (upstream.Tls == UpstreamTlsMode.Disable)
        {
            return (stream, false);
        }

        try
        {
            return (await NegotiateTlsAsync(stream, connection, cancellationToken), true);
        }
        catch
        {
            await stream.DisposeAsync();
            throw;
        }
    }

    private static async Task<Stream> NegotiateTlsAsync(
        Stream stream, ConnectionConfig connection, CancellationToken cancellationToken)
    {
        var request = new ArrayBufferWriter<byte>(8);
        PgWriter.SslRequest(request);
        await stream.WriteAsync(request.WrittenMemory, cancellationToken);
        var answer = new byte[1];
        if (await stream.ReadAsync(answer, cancellationToken) != 1 || answer[0] != (byte)'S')
        {
            throw new PgUpstreamException(
                $"{Describe(connection)} refused TLS, which the connection requires",
                "08001",
                $"the gateway cannot reach the database of connection \"{connection.Name}\" securely");
        }

        var ssl = new SslStream(stream, leaveInnerStreamOpen: false);
        var options = new SslClientAuthenticationOptions
        {
            TargetHost = connection.Upstream.Host,
            EnabledSslProtocols = TlsPolicy.Protocols,
            CipherSuitesPolicy = TlsPolicy.CipherSuitesPolicy,
            RemoteCertificateValidationCallback = (_, certificate, chain, errors) =>
                ValidateUpstreamCertificate(connection.Upstream, certificate, errors),
        };
        try
        {
            await ssl.AuthenticateAsClientAsync(options, cancellationToken);
        }
        catch (AuthenticationException e)
        {
            await ssl.DisposeAsync();
            throw new PgUpstreamException(
                $"TLS with {Describe(connection)} failed: {e.Message}",
                "08001",
                $"the gateway cannot reach the database of connection \"{connection.Name}\" securely",
                e);
        }

        return ssl;
    }

    private static PgUpstreamException TimedOut(ConnectionConfig connection, string step, Exception inner) => new(
        $"{Describe(connection)} did not answer within {connection.Upstream.ConnectTimeout.TotalSeconds:0.###} s " +
        $"(could not {step}); check that the database is up and not overloaded, or raise connect_timeout",
        "08001",
        $"the database of connection \"{connection.Name}\" did not answer in time",
        inner);

    /// <summary>The client's view of a refused connect: the cause, without the upstream's address.</summary>
    private static string Explain(SocketError error) => error switch
    {
        SocketError.ConnectionRefused => "connection refused",
        SocketError.HostNotFound or SocketError.TryAgain or SocketError.NoData => "host name not found",
        SocketError.HostUnreachable or SocketError.NetworkUnreachable => "host unreachable",
        SocketError.TimedOut => "timed out",
        _ => "network error",
    };

    private static bool ValidateUpstreamCertificate(
        UpstreamConfig upstream, X509Certificate? certificate, SslPolicyErrors errors)
    {
        if (upstream.Tls == UpstreamTlsMode.Require)
        {
            return true;
        }

        if (certificate is null)
        {
            return false;
        }

        if (upstream.CaFile is null)
        {
            return errors == SslPolicyErrors.None;
        }

        if ((errors & SslPolicyErrors.RemoteCertificateNameMismatch) != 0)
        {
            return false;
        }

        // Trust exactly the configured roots, not the system store.
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        var roots = new X509Certificate2Collection();
        roots.ImportFromPemFile(upstream.CaFile);
        chain.ChainPolicy.CustomTrustStore.AddRange(roots);
        using var leaf = new X509Certificate2(certificate);
        return chain.Build(leaf);
    }

    private async Task StartAsync(
        ConnectionConfig connection,
        IReadOnlyList<KeyValuePair<string, string>> startupParameters,
        int maxMessageBytes,
        CancellationToken cancellationToken)
    {
        var output = new ArrayBufferWriter<byte>(512);
        PgWriter.StartupMessage(output, startupParameters);
        await SendAsync(output, cancellationToken);

        ScramSha256Client? scram = null;
        while (true)
        {
            var frame = await PgStreamFrames.ReadMessageAsync(Stream, maxMessageBytes, cancellationToken);
            switch ((PgBackendMessageType)frame[0])
            {
                case PgBackendMessageType.Authentication:
                    scram = await AnswerAuthenticationAsync(connection, frame, scram, output, cancellationToken);
                    break;
                case PgBackendMessageType.ParameterStatus:
                    ParameterStatusFrames.Add(frame);
                    break;
                case PgBackendMessageType.BackendKeyData:
                    PgMessages.BackendKeyData(frame, out var processId, out var secretKey);
                    ProcessId = processId;
                    SecretKey = secretKey;
                    break;
                case PgBackendMessageType.NegotiateProtocolVersion:
                case PgBackendMessageType.NoticeResponse:
                    break;
                case PgBackendMessageType.ReadyForQuery:
                    TransactionStatus = PgMessages.ReadyForQueryStatus(frame);
                    return;
                case PgBackendMessageType.ErrorResponse:
                    throw RefusedByUpstream(connection, PgMessages.ErrorOrNotice(frame));
                default:
                    throw new PgUpstreamException(
                        $"{Describe(connection)} sent unexpected message '{(char)frame[0]}' during start-up",
                        "08P01",
                        $"the database of connection \"{connection.Name}\" answered in a way the gateway does not accept");
            }
        }
    }

    private async Task<ScramSha256Client?> AnswerAuthenticationAsync(
        ConnectionConfig connection,
        byte[] frame,
        ScramSha256Client? scram,
        ArrayBufferWriter<byte> output,
        CancellationToken cancellationToken)
    {
        var request = PgMessages.Authentication(frame);
        var password = connection.Upstream.Password?.Reveal();
        switch (request.Code)
        {
            case PgAuthenticationCode.Ok:
                return null;
            case PgAuthenticationCode.CleartextPassword:
                PgWriter.PasswordMessage(output, RequirePassword(connection, password));
                break;
            case PgAuthenticationCode.Md5Password:
                PgWriter.PasswordMessage(
                    output,
                    PgMd5Password.Compute(connection.Upstream.User, RequirePassword(connection, password), request.Payload));
                break;
            case PgAuthenticationCode.Sasl:
                if (!PgAuthenticationRequest.OffersMechanism(request.Payload, ScramSha256Client.Mechanism))
                {
                    throw new PgUpstreamException(
                        $"{Describe(connection)} offers no SASL mechanism the gateway supports (SCRAM-SHA-256)",
                        "08001",
                        $"the gateway cannot log in to the database of connection \"{connection.Name}\"");
                }

                scram = new ScramSha256Client(RequirePassword(connection, password));
                PgWriter.SaslInitialResponse(output, ScramSha256Client.Mechanism, scram.ClientFirstMessage());
                break;
            case PgAuthenticationCode.SaslContinue when scram is not null:
                PgWriter.SaslResponse(output, scram.ClientFinalMessage(request.Payload));
                break;
            case PgAuthenticationCode.SaslFinal when scram is not null:
                scram.VerifyServerFinal(request.Payload);
                return scram;
            default:
                throw new PgUpstreamException(
                    $"{Describe(connection)} asked for an authentication method the gateway does not support ({request.Code})",
                    "08001",
                    $"the gateway cannot log in to the database of connection \"{connection.Name}\"");
        }

        await SendAsync(output, cancellationToken);
        return scram;
    }

    private static string RequirePassword(ConnectionConfig connection, string? password) =>
        password ?? throw new PgUpstreamException(
            $"{Describe(connection)} asks for a password but connection \"{connection.Name}\" has none configured",
            "08001",
            $"the gateway cannot log in to the database of connection \"{connection.Name}\"");

    private static PgUpstreamException RefusedByUpstream(ConnectionConfig connection, PgErrorFields error)
    {
        var operatorMessage =
            $"{Describe(connection)} refused the gateway's login: {error.Code} {error.Message}";

        // A refused credential is the operator's problem; telling the client 28P01 would send it chasing its token.
        if (error.Code.StartsWith("28", StringComparison.Ordinal))
        {
            return new PgUpstreamException(
                operatorMessage,
                "08001",
                $"the gateway could not log in to the database of connection \"{connection.Name}\"; " +
                "ask the gateway's operator to check the connection's credential");
        }

        return new PgUpstreamException(operatorMessage, error.Code, error.Message);
    }

    private async ValueTask SendAsync(ArrayBufferWriter<byte> output, CancellationToken cancellationToken)
    {
        await Stream.WriteAsync(output.WrittenMemory, cancellationToken);
        await Stream.FlushAsync(cancellationToken);
        output.ResetWrittenCount();
    }

    public ValueTask DisposeAsync() => Stream.DisposeAsync();
}
