using System.Buffers;
using System.Buffers.Binary;
using System.Net.Sockets;
using Sluice.Protocols.Postgres;

namespace Sluice.IntegrationTests.Postgres;

/// <summary>
/// A deliberately primitive PostgreSQL client over plain TCP, for sending what real drivers never send.
/// </summary>
internal sealed class RawPgClient : IAsyncDisposable
{
    private readonly TcpClient _tcp;
    private readonly NetworkStream _stream;

    private RawPgClient(TcpClient tcp)
    {
        _tcp = tcp;
        _stream = tcp.GetStream();
        _stream.ReadTimeout = 15_000;
    }

    public static async Task<RawPgClient> ConnectAsync(int port)
    {
        var tcp = new TcpClient();
        await tcp.ConnectAsync("127.0.0.1", port);
        return new RawPgClient(tcp);
    }

    /// <summary>Plaintext start-up with the token as cleartext password, up to ReadyForQuery.</summary>
    public async Task LoginAsync(string token, string database = "demo")
    {
        await SendAsync(w => PgWriter.StartupMessage(w, [new("user", "raw"), new("database", database)]));
        var challenge = await ReadMessageAsync();
        Assert.Equal((byte)'R', challenge.Type);
        await SendAsync(w => PgWriter.PasswordMessage(w, token));
        while ((await ReadMessageAsync()).Type != (byte)'Z')
        {
        }
    }

    public async Task SendAsync(Action<IBufferWriter<byte>> write)
    {
        var buffer = new ArrayBufferWriter<byte>();
        write(buffer);
        await SendRawAsync(buffer.WrittenMemory);
    }

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
