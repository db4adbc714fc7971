using System.Buffers;
using System.Buffers.Binary;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using Sluice.Protocols.Postgres;

namespace Sluice.IntegrationTests.Postgres;

/// <summary>
/// A deliberately primitive PostgreSQL client over plain TCP, for sending what real drivers never send.
/// </summary>
internal sealed class RawPgClient : IAsyncDisposable
{
    private readonly TcpClient _tcp;
    private Stream _stream;

    private RawPgClient(TcpClient tcp)
    {
        _tcp = tcp;
        var network = tcp.GetStream();
        network.ReadTimeout = 15_000;
        _stream = network;
    }

    public static async Task<RawPgClient> ConnectAsync(int port)
    {
        var tcp = new TcpClient();
        await tcp.ConnectAsync("127.0.0.1", port);
        return new RawPgClient(tcp);
    }

    /// <summary>
    /// Start-up with the token as cleartext password, up to ReadyForQuery (plaintext unless
    /// <see cref="StartTlsAsync"/> ran first).
    /// </summary>
    public async Task LoginAsync(string token, string database = "demo", string? applicationName = null)
    {
        List<KeyValuePair<string, string>> parameters = [new("user", "raw"), new("database", database)];
        if (applicationName is not null)
        {
            parameters.Add(new("application_name", applicationName));
        }

        await SendAsync(w => PgWriter.StartupMessage(w, parameters));
        var challenge = await ReadMessageAsync();
        Assert.Equal((byte)'R', challenge.Type);
        await SendAsync(w => PgWriter.PasswordMessage(w, token));
        while ((await ReadMessageAsync()).Type != (byte)'Z')
        {
        }
    }

    /// <summary>SSLRequest, then a TLS handshake that trusts exactly the certificate in <paramref name="pinnedPem"/>.</summary>
    public async Task StartTlsAsync(string pinnedPem)
    {
        using var pinned = X509Certificate2.CreateFromPem(File.ReadAllText(pinnedPem));
        var expected = pinned.GetCertHashString();
        await SendAsync(PgWriter.SslRequest);
        Assert.Equal((byte)'S', await ReadByteAsync());
        var tls = new SslStream(
            _stream, leaveInnerStreamOpen: false,
            (_, certificate, _, _) => certificate is not null && certificate.GetCertHashString() == expected);
        await tls.AuthenticateAsClientAsync("127.0.0.1");
        _stream = tls;
    }

    /// <summary>Reads messages up to and including ReadyForQuery (or until the gateway closes).</summary>
    public async Task<List<(byte Type, byte[] Frame)>> ReadUntilReadyAsync()
    {
        var messages = new List<(byte Type, byte[] Frame)>();
        while (true)
        {
            var message = await ReadMessageAsync();
            messages.Add(message);
            if (message.Type is (byte)'Z' or 0)
            {
                return messages;
            }
        }
    }

    /// <summary>True when the gateway has closed the connection (reads end) within the read timeout.</summary>
    public async Task<bool> IsClosedByPeerAsync() => (await ReadMessageAsync()).Type == 0;

    public async Task SendAsync(Action<IBufferWriter<byte>> write)
    {
        var buffer = new ArrayBufferWriter<byte>();
        write(buffer);
        await SendRawAsync(buffer.WrittenMemory);
    }

    /// <summary>Sends several frames in one write, as a pipelining client would.</summary>
    public Task SendFramesAsync(params byte[][] frames) => SendRawAsync(frames.SelectMany(f => f).ToArray());

    public async Task SendRawAsync(ReadOnlyMemory<byte> bytes)
    {
        await _stream.WriteAsync(bytes);
        await _stream.FlushAsync();
    }

    /// <summary>Reads the single byte that answers SSLRequest or GSSENCRequest.</summary>
    public async Task<byte> ReadByteAsync()
    {
        var answer = new byte[1];
        Assert.True(await ReadExactAsync(answer), "connection closed instead of an answer");
        return answer[0];
    }

    /// <summary>Reads one typed message, or returns type 0 when the gateway closed the connection.</summary>
    public async Task<(byte Type, byte[] Frame)> ReadMessageAsync()
    {
        var header = new byte[5];
        if (!await ReadExactAsync(header))
        {
            return (0, []);
        }

        var length = BinaryPrimitives.ReadInt32BigEndian(header.AsSpan(1));
        var frame = new byte[length + 1];
        header.CopyTo(frame, 0);
        Assert.True(await ReadExactAsync(frame.AsMemory(5)), "connection closed in the middle of a message");
        return (header[0], frame);
    }

    /// <summary>Reads until an ErrorResponse arrives, and checks the connection is closed after it.</summary>
    public async Task<PgErrorFields> ReadFatalErrorAsync()
    {
        while (true)
        {
            var (type, frame) = await ReadMessageAsync();
            Assert.NotEqual(0, type);
            if (type == (byte)'E')
            {
                var error = PgMessages.ErrorOrNotice(frame);
                Assert.Equal(0, (await ReadMessageAsync()).Type);
                return error;
            }
        }
    }

    private async Task<bool> ReadExactAsync(Memory<byte> buffer)
    {
        var read = 0;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        while (read < buffer.Length)
        {
            int n;
            try
            {
                n = await _stream.ReadAsync(buffer[read..], timeout.Token);
            }
            catch (IOException)
            {
                n = 0;
            }
            catch (OperationCanceledException)
            {
                Assert.Fail("the gateway neither answered nor closed the connection within 15 s");
                throw;
            }

            if (n == 0)
            {
                return false;
            }

            read += n;
        }

        return true;
    }

    /// <summary>Reads and discards until the gateway closes the connection; false if it is still open at the timeout.</summary>
    public async Task<bool> WaitForCloseAsync(TimeSpan timeout)
    {
        var buffer = new byte[1024];
        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            while (await _stream.ReadAsync(buffer, deadline.Token) > 0)
            {
            }

            return true;
        }
        catch (IOException)
        {
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    public ValueTask DisposeAsync()
    {
        _tcp.Dispose();
        return ValueTask.CompletedTask;
    }
}
