using System.Buffers;
using System.Buffers.Binary;
using System.Net.Sockets;
using System.Text;
using Sluice.Protocols.Postgres;

namespace Sluice.EndToEnd.Client;

/// <summary>
/// A deliberately thin PostgreSQL client for measuring: it logs in (cleartext or SCRAM-SHA-256), sends simple
/// queries and drains their answers by walking message headers only, so the client spends as little of the shared
/// CPU as possible and every path is drained the same way. No TLS: every path in the harness is plaintext loopback.
/// </summary>
internal sealed class WireClient : IDisposable
{
    private const int ReceiveBufferBytes = 256 * 1024;

    private readonly Socket _socket;
    private readonly byte[] _buffer = new byte[ReceiveBufferBytes];

    private WireClient(Socket socket) => _socket = socket;

    public static async Task<WireClient> ConnectAsync(Endpoint endpoint, CancellationToken cancellationToken)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        var client = new WireClient(socket);
        try
        {
            await socket.ConnectAsync("127.0.0.1", endpoint.Port, cancellationToken);
            await client.StartAsync(endpoint, cancellationToken);
            return client;
        }
        catch
        {
            client.Dispose();
            throw;
        }
    }

    /// <summary>Sends a simple query and reads its whole answer, counting rows and bytes, without keeping any.</summary>
    public async Task<DrainResult> DrainAsync(string sql, CancellationToken cancellationToken)
    {
        await SendQueryAsync(sql, cancellationToken);
        var walker = new AnswerWalker();
        long bytes = 0;
        while (!walker.Done)
        {
            var received = await _socket.ReceiveAsync(_buffer, SocketFlags.None, cancellationToken);
            if (received == 0)
            {
                throw new IOException($"the server closed the connection in the middle of the answer to: {sql}");
            }

            bytes += received;
            walker.Walk(_buffer.AsSpan(0, received));
        }

        walker.ThrowIfFailed(sql);
        return new DrainResult(bytes, walker.Rows);
    }

    /// <summary>
    /// Runs a <c>COPY … TO STDOUT</c> and keeps its data, regrouped into pieces of <paramref name="chunkBytes"/>
    /// (the server sends a message per row; bulk loaders send larger buffers): how the harness captures the rows
    /// it later imports.
    /// </summary>
    public async Task<List<byte[]>> CaptureCopyAsync(string sql, int chunkBytes, CancellationToken cancellationToken)
    {
        await SendQueryAsync(sql, cancellationToken);
        var chunks = new List<byte[]>();
        var pending = new MemoryStream(chunkBytes);
        while (true)
        {
            var (type, body) = await ReadMessageAsync(cancellationToken);
            switch (type)
            {
                case (byte)'d':
                    if (pending.Length + body.Length > chunkBytes && pending.Length > 0)
                    {
                        chunks.Add(pending.ToArray());
                        pending.SetLength(0);
                    }

                    pending.Write(body);
                    break;
                case (byte)'E':
                    await ReadUntilReadyAsync(cancellationToken);
                    throw new WireClientException($"the server refused \"{sql}\": {ErrorText(body)}");
                case (byte)'Z':
                    if (pending.Length > 0)
                    {
                        chunks.Add(pending.ToArray());
                    }

                    return chunks;
            }
        }
    }

    /// <summary>
    /// Runs <c>COPY … FROM STDIN</c>, sending each piece of <paramref name="data"/> as one CopyData message; returns
    /// the bytes sent and the rows the server says it stored.
    /// </summary>
    public async Task<DrainResult> ImportAsync(string sql, IReadOnlyList<byte[]> data, CancellationToken cancellationToken)
    {
        await SendQueryAsync(sql, cancellationToken);
        var (type, body) = await ReadMessageAsync(cancellationToken);
        if (type == (byte)'E')
        {
            await ReadUntilReadyAsync(cancellationToken);
            throw new WireClientException($"the server refused \"{sql}\": {ErrorText(body)}");
        }

        if (type != (byte)'G')
        {
            throw new WireClientException($"expected CopyInResponse to \"{sql}\", got message '{(char)type}'");
        }

        const int BatchBytes = 256 * 1024;
        var batch = new byte[BatchBytes + 5];
        var used = 0;
        long sent = 0;
        foreach (var chunk in data)
        {
            if (used + chunk.Length + 5 > batch.Length && used > 0)
            {
                await SendAllAsync(batch.AsMemory(0, used), cancellationToken);
                sent += used;
                used = 0;
            }

            if (chunk.Length + 5 > batch.Length)
            {
                batch = new byte[chunk.Length + 5];
            }

            batch[used] = (byte)'d';
            BinaryPrimitives.WriteInt32BigEndian(batch.AsSpan(used + 1), chunk.Length + 4);
            chunk.CopyTo(batch.AsSpan(used + 5));
            used += chunk.Length + 5;
        }

        batch[used] = (byte)'c';
        BinaryPrimitives.WriteInt32BigEndian(batch.AsSpan(used + 1), 4);
        used += 5;
        await SendAllAsync(batch.AsMemory(0, used), cancellationToken);
        sent += used;

        string? error = null;
        long rows = -1;
        while (true)
        {
            (type, body) = await ReadMessageAsync(cancellationToken);
            if (type == (byte)'E')
            {
                error = ErrorText(body);
            }
            else if (type == (byte)'C')
            {
                // "COPY n": the server's own count of the rows it stored.
                var tag = Encoding.ASCII.GetString(body).TrimEnd('\0');
                rows = long.Parse(tag[(tag.LastIndexOf(' ') + 1)..], System.Globalization.CultureInfo.InvariantCulture);
            }
            else if (type == (byte)'Z')
            {
                break;
            }
        }

        return error is null ? new DrainResult(sent, rows) : throw new WireClientException($"the import \"{sql}\" failed: {error}");
    }

    /// <summary>Runs a query expected to return exactly one row and returns its text values (null as "NULL").</summary>
    public async Task<string[]> ReadTextRowAsync(string sql, CancellationToken cancellationToken)
    {
        await SendQueryAsync(sql, cancellationToken);
        string[]? row = null;
        string? error = null;
        while (true)
        {
            var (type, body) = await ReadMessageAsync(cancellationToken);
            if (type == (byte)'D')
            {
                row = row is null ? DecodeRow(body) : throw new WireClientException($"\"{sql}\" returned more than one row");
            }
            else if (type == (byte)'E')
            {
                error = ErrorText(body);
            }
            else if (type == (byte)'Z')
            {
                break;
            }
        }

        return error is not null
            ? throw new WireClientException($"the server refused \"{sql}\": {error}")
            : row ?? throw new WireClientException($"\"{sql}\" returned no row");
    }

    private static string[] DecodeRow(byte[] body)
    {
        var count = BinaryPrimitives.ReadInt16BigEndian(body);
        var values = new string[count];
        var offset = 2;
        for (var i = 0; i < count; i++)
        {
            var length = BinaryPrimitives.ReadInt32BigEndian(body.AsSpan(offset));
            offset += 4;
            values[i] = length < 0 ? "NULL" : Encoding.UTF8.GetString(body, offset, length);
            offset += Math.Max(0, length);
        }

        return values;
    }

    /// <summary>Runs statements whose answers do not matter beyond success (set-up, truncation).</summary>
    public async Task ExecuteAsync(string sql, CancellationToken cancellationToken) =>
        await DrainAsync(sql, cancellationToken);

    public void Dispose()
    {
        try
        {
            // Terminate, so the server and any proxy see a client that said goodbye.
            _socket.Send([(byte)'X', 0, 0, 0, 4]);
        }
        catch (SocketException)
        {
            // Already gone.
        }
        catch (ObjectDisposedException)
        {
            // Already closed.
        }

        _socket.Dispose();
    }

    private async Task StartAsync(Endpoint endpoint, CancellationToken cancellationToken)
    {
        var startup = new ArrayBufferWriter<byte>(256);
        PgWriter.StartupMessage(startup,
        [
            new("user", endpoint.User),
            new("database", endpoint.Database),
            new("application_name", "sluice-bench"),
        ]);
        await SendAllAsync(startup.WrittenMemory, cancellationToken);

        ScramSha256Client? scram = null;
        while (true)
        {
            var (type, body) = await ReadMessageAsync(cancellationToken);
            switch (type)
            {
                case (byte)'E':
                    throw new WireClientException($"login to {endpoint} refused: {ErrorText(body)}");
                case (byte)'Z':
                    return;
                case (byte)'R':
                    scram = await AnswerAuthenticationAsync(endpoint, body, scram, cancellationToken);
                    break;
            }
        }
    }

    private async Task<ScramSha256Client?> AnswerAuthenticationAsync(
        Endpoint endpoint, byte[] body, ScramSha256Client? scram, CancellationToken cancellationToken)
    {
        var code = BinaryPrimitives.ReadInt32BigEndian(body);
        var answer = new ArrayBufferWriter<byte>(256);
        switch (code)
        {
            case 0:
                return scram;
            case 3:
                PgWriter.PasswordMessage(answer, endpoint.Password);
                break;
            case 10:
                scram = new ScramSha256Client(endpoint.Password);
                PgWriter.SaslInitialResponse(answer, ScramSha256Client.Mechanism, scram.ClientFirstMessage());
                break;
            case 11:
                PgWriter.SaslResponse(answer, scram!.ClientFinalMessage(body.AsSpan(4)));
                break;
            case 12:
                scram!.VerifyServerFinal(body.AsSpan(4));
                return scram;
            default:
                throw new WireClientException($"{endpoint} asks for authentication method {code}, which the harness lacks");
        }

        await SendAllAsync(answer.WrittenMemory, cancellationToken);
        return scram;
    }

    private async Task SendQueryAsync(string sql, CancellationToken cancellationToken)
    {
        var query = new ArrayBufferWriter<byte>(sql.Length + 8);
        PgWriter.Query(query, sql);
        await SendAllAsync(query.WrittenMemory, cancellationToken);
    }

    private async Task SendAllAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        while (!data.IsEmpty)
        {
            var sent = await _socket.SendAsync(data, SocketFlags.None, cancellationToken);
            data = data[sent..];
        }
    }

    private async Task ReadUntilReadyAsync(CancellationToken cancellationToken)
    {
        while ((await ReadMessageAsync(cancellationToken)).Type != (byte)'Z')
        {
        }
    }

    /// <summary>Reads one whole message; used outside the measured drains, where its small reads do not matter.</summary>
    private async Task<(byte Type, byte[] Body)> ReadMessageAsync(CancellationToken cancellationToken)
    {
        var header = new byte[5];
        await ReceiveExactlyAsync(header, cancellationToken);
        var length = BinaryPrimitives.ReadInt32BigEndian(header.AsSpan(1));
        if (length is < 4 or > 64 * 1024 * 1024)
        {
            throw new WireClientException($"message '{(char)header[0]}' declares an impossible length {length}");
        }

        var body = new byte[length - 4];
        await ReceiveExactlyAsync(body, cancellationToken);
        return (header[0], body);
    }

    private async Task ReceiveExactlyAsync(Memory<byte> target, CancellationToken cancellationToken)
    {
        while (!target.IsEmpty)
        {
            var received = await _socket.ReceiveAsync(target, SocketFlags.None, cancellationToken);
            if (received == 0)
            {
                throw new IOException("the server closed the connection");
            }

            target = target[received..];
        }
    }

    /// <summary>The human part of an ErrorResponse: severity, code and message fields.</summary>
    internal static string ErrorText(ReadOnlySpan<byte> body)
    {
        string code = "", message = "";
        while (body.Length > 1 && body[0] != 0)
        {
            var field = body[0];
            var end = body[1..].IndexOf((byte)0);
            if (end < 0)
            {
                break;
            }

            var value = Encoding.UTF8.GetString(body.Slice(1, end));
            if (field == (byte)'C')
            {
                code = value;
            }
            else if (field == (byte)'M')
            {
                message = value;
            }

            body = body[(end + 2)..];
        }

        return $"{code} {message}";
    }
}
