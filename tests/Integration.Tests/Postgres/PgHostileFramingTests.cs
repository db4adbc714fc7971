using System.Buffers.Binary;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Sluice.IntegrationTests.Infrastructure;
using Sluice.Protocols.Postgres;

namespace Sluice.IntegrationTests.Postgres;

/// <summary>
/// Hostile framing at the socket: absurd declared lengths, frames cut short by a close or by silence, and garbage
/// where the start-up packet belongs. Each ends with an ErrorResponse carrying the right SQLSTATE or a closed
/// connection, a log line at Information or Warning, and a bystander session that still works.
/// </summary>
[Collection("postgres")]
public sealed class PgHostileFramingTests(PostgresFixture postgres) : PgHostileTestBase(postgres)
{
    private const int StartupRejected = 1005;
    private const int ProtocolViolation = 1007;
    private const int StartupAbandoned = 1019;

    private protected override HarnessOptions Options { get; } = new()
    {
        AllowPlaintext = true,
        StartupTimeout = "5s",
        MaxMessageBytes = "64KiB",
    };

    public static TheoryData<string, int, string> OversizedLengths => new()
    {
        { "startup", 10_001, "08P01" },               // one byte over PostgreSQL's own start-up limit
        { "startup", int.MaxValue, "08P01" },
        { "startup", int.MinValue, "08P01" },         // negative as an Int32
        { "password", int.MaxValue, "54000" },
        { "query", (64 * 1024) + 1, "54000" },        // one byte over the configured limit
        { "query", int.MaxValue, "54000" },
        { "parse", int.MaxValue, "54000" },
        { "copy-data", int.MaxValue, "54000" },
    };

    [Theory]
    [MemberData(nameof(OversizedLengths))]
    public async Task DeclaredLengthBeyondTheLimit_IsRefusedBeforeAnyBodyIsBuffered(string phase, int length, string sqlState)
    {
        await using var client = await ReachAsync(phase);
        var header = phase == "startup" ? new byte[4] : new byte[5];
        if (phase == "startup")
        {
            BinaryPrimitives.WriteInt32BigEndian(header, length);
        }
        else
        {
            header[0] = phase switch { "password" => (byte)'p', "query" => (byte)'Q', "parse" => (byte)'P', _ => (byte)'d' };
            BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(1), length);
        }

        PgErrorFields error = default;
        var allocated = await AllocatedDuringAsync(async () =>
        {
            await client.SendRawAsync(header);
            error = await client.ReadFatalErrorAsync();
        });

        Assert.Equal(sqlState, error.Code);
        Assert.Equal("FATAL", error.Severity);
        Assert.True(allocated < AllocationBoundBytes, $"{allocated:N0} bytes allocated while refusing a {length:N0}-byte message");
        if (phase is "startup" or "password")
        {
            await ExpectLogAsync(StartupRejected, LogLevel.Information);
        }
        else
        {
            await ExpectLogAsync(ProtocolViolation, LogLevel.Warning, "larger than the limit");
        }

        await AssertGatewayUnharmedAsync();
    }

    [Fact]
    public async Task ClientClosingMidStartupPacket_IsLoggedAndLetGo()
    {
        await using (var client = await RawPgClient.ConnectAsync(Gateway.Port))
        {
            await client.SendRawAsync(new byte[] { 0, 0, 0, 60, 0, 3, 0, 0, (byte)'u', (byte)'s' });
        }

        var line = await ExpectLogAsync(StartupAbandoned, LogLevel.Information);
        Assert.Contains("in the middle of a message", line.Message, StringComparison.Ordinal);
        await AssertGatewayUnharmedAsync();
    }

    [Fact]
    public async Task ClientSilentMidStartupPacket_IsRefusedAtTheStartupTimeout()
    {
        await using var client = await RawPgClient.ConnectAsync(Gateway.Port);
        await client.SendRawAsync(new byte[] { 0, 0, 0, 60, 0, 3, 0, 0 });
        var error = await client.ReadFatalErrorAsync();
        Assert.Equal("08000", error.Code);
        await ExpectLogAsync(StartupRejected, LogLevel.Information, "start-up timeout");
        await AssertGatewayUnharmedAsync();
    }

    [Fact]
    public async Task ClientClosingMidPasswordMessage_IsLoggedAndLetGo()
    {
        await using (var client = await ReachAsync("password"))
        {
            await client.SendRawAsync(new byte[] { (byte)'p', 0, 0, 1, 0, (byte)'e', (byte)'y' });
        }

        await ExpectLogAsync(StartupAbandoned, LogLevel.Information);
        Assert.DoesNotContain(
            Gateway.Recordings.List(new Sluice.Core.Recording.RecordingFilter()), r => r.Header.Subject != "bystander");
        await AssertGatewayUnharmedAsync();
    }

    [Theory]
    [InlineData("query")]
    [InlineData("copy-data")]
    public async Task ClientClosingMidMessageAfterLogin_EndsItsSession_AndReleasesTheBackend(string phase)
    {
        var application = UniqueName("cut-" + phase);
        await using (var client = await ReachAsync(phase, application))
        {
            if (phase == "copy-data")
            {
                // Whole rows first, then half of the next frame.
                await client.SendRawAsync(CopyData("1\n2\n"u8));
            }

            await client.SendRawAsync(new byte[] { phase == "query" ? (byte)'Q' : (byte)'d', 0, 0, 0, 40, (byte)'3' });
        }

        await ExpectLogAsync(ProtocolViolation, LogLevel.Warning, "connection closed in the middle of a message");
        await WaitForNoBackendAsync(application);
        var recording = await Gateway.WaitForRecordingAsync(r => r.Header.ApplicationName == application);
        var end = Assert.Single(Sluice.Core.Recording.RecordingReader.ReadEvents(recording.Path)
            .OfType<Sluice.Core.Recording.SessionEndedEvent>());
        Assert.Contains("in the middle of a message", end.Reason, StringComparison.Ordinal);
        await AssertGatewayUnharmedAsync();
    }

    [Fact]
    public async Task ClientClosingBetweenFramesMidCopyIn_AbortsTheCopy_AndNothingIsLoaded()
    {
        var application = UniqueName("copy-gone");
        var table = "hostile_copy_" + Guid.NewGuid().ToString("N")[..8];
        await using (var setup = await Gateway.OpenAsync())
        {
            await new Npgsql.NpgsqlCommand($"CREATE TABLE {table} (x int)", setup).ExecuteNonQueryAsync();
        }

        await using (var client = await RawPgClient.ConnectAsync(Gateway.Port))
        {
            await client.LoginAsync(Gateway.MintDevToken(), applicationName: application);
            await client.SendAsync(w => PgWriter.Query(w, $"COPY {table} FROM STDIN"));
            Assert.Equal((byte)'G', (await client.ReadMessageAsync()).Type);
            await client.SendRawAsync(CopyData("1\n2\n3\n"u8));
        }

        await WaitForNoBackendAsync(application);
        await using (var check = await Gateway.OpenAsync())
        {
            Assert.Equal(0L, await new Npgsql.NpgsqlCommand($"SELECT count(*) FROM {table}", check).ExecuteScalarAsync());
            await new Npgsql.NpgsqlCommand($"DROP TABLE {table}", check).ExecuteNonQueryAsync();
        }

        await Gateway.Logs.WaitForAsync(e => e.EventId.Id == 1002 && e.Message.Contains("without Terminate", StringComparison.Ordinal));
        await AssertGatewayUnharmedAsync();
    }

    [Fact]
    public async Task ClientSilentMidMessageAfterLogin_HoldsOnlyItsOwnSession()
    {
        var application = UniqueName("silent");
        await using (var client = await ReachAsync("copy-data", application))
        {
            await client.SendRawAsync(new byte[] { (byte)'d', 0, 0, 0, 40, (byte)'1' });

            // Nothing forwards half a frame, so the backend still waits in its COPY while others carry on.
            await AssertGatewayUnharmedAsync();
            await Task.Delay(500);
            await AssertGatewayUnharmedAsync();
        }

        await WaitForNoBackendAsync(application);
        await ExpectLogAsync(ProtocolViolation, LogLevel.Warning, "connection closed in the middle of a message");
        await AssertGatewayUnharmedAsync();
    }

    public static TheoryData<string> Garbage => new() { "http", "tls-client-hello", "random", "zero-length", "unknown-code", "text-line" };

    [Theory]
    [MemberData(nameof(Garbage))]
    public async Task GarbageBeforeTheStartupPacket_IsRefused(string kind)
    {
        byte[] bytes = kind switch
        {
            "http" => "GET / HTTP/1.1\r\nHost: x\r\n\r\n"u8.ToArray(),
            "tls-client-hello" => await CaptureClientHelloAsync(),
            "random" => RandomBytes(),
            "zero-length" => new byte[4],
            "unknown-code" => new byte[] { 0, 0, 0, 8, 0x12, 0x34, 0x56, 0x78 },
            _ => "hello postgres\n"u8.ToArray(),
        };

        await using var client = await RawPgClient.ConnectAsync(Gateway.Port);
        await client.SendRawAsync(bytes);
        var error = await client.ReadFatalErrorAsync();

        // 08P01 for what cannot be a start-up packet, 0A000 for a protocol code the gateway does not speak,
        // 08000 for a plausible length whose body never comes.
        Assert.Contains(error.Code, kind switch
        {
            "unknown-code" => ["0A000"],
            "random" => ["08P01", "0A000", "08000"],
            _ => new[] { "08P01" },
        });
        await ExpectLogAsync(StartupRejected, LogLevel.Information);
        await AssertGatewayUnharmedAsync();
    }

    [Fact]
    public async Task TlsHandshakeWithoutSslRequest_FailsOnTheClient_AndTheGatewayRefusesIt()
    {
        using var raw = new TcpClient();
        await raw.ConnectAsync(IPAddress.Loopback, Gateway.Port);
        await using var tls = new SslStream(raw.GetStream(), leaveInnerStreamOpen: false);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        await Assert.ThrowsAnyAsync<Exception>(() => tls.AuthenticateAsClientAsync(
            new SslClientAuthenticationOptions { TargetHost = "127.0.0.1" }, timeout.Token));
        Assert.False(timeout.IsCancellationRequested, "the handshake hung instead of failing");
        await ExpectLogAsync(StartupRejected, LogLevel.Information, "invalid start-up packet length");
        await AssertGatewayUnharmedAsync();
    }

    /// <summary>Brings a raw client to the point where <paramref name="phase"/>'s message is due.</summary>
    private async Task<RawPgClient> ReachAsync(string phase, string? applicationName = null)
    {
        var client = await RawPgClient.ConnectAsync(Gateway.Port);
        switch (phase)
        {
            case "startup":
                break;
            case "password":
                await client.SendAsync(w => PgWriter.StartupMessage(w, [new("user", "raw"), new("database", "demo")]));
                Assert.Equal((byte)'R', (await client.ReadMessageAsync()).Type);
                break;
            case "copy-data":
                await client.LoginAsync(Gateway.MintDevToken(), applicationName: applicationName);
                await client.SendAsync(w => PgWriter.Query(w, "CREATE TEMP TABLE hostile_in (x int)"));
                await client.ReadUntilReadyAsync();
                await client.SendAsync(w => PgWriter.Query(w, "COPY hostile_in FROM STDIN"));
                Assert.Equal((byte)'G', (await client.ReadMessageAsync()).Type);
                break;
            default:
                await client.LoginAsync(Gateway.MintDevToken(), applicationName: applicationName);
                break;
        }

        return client;
    }

    private static byte[] CopyData(ReadOnlySpan<byte> data)
    {
        var frame = new byte[5 + data.Length];
        frame[0] = (byte)'d';
        BinaryPrimitives.WriteInt32BigEndian(frame.AsSpan(1), 4 + data.Length);
        data.CopyTo(frame.AsSpan(5));
        return frame;
    }

    private static byte[] RandomBytes()
    {
        var bytes = new byte[256];
        new Random(20261203).NextBytes(bytes);
        return bytes;
    }

    /// <summary>A real TLS ClientHello record, as the platform's TLS client writes it, caught on a loopback socket.</summary>
    private static async Task<byte[]> CaptureClientHelloAsync()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, ((IPEndPoint)listener.LocalEndpoint).Port);
        using var server = await listener.AcceptTcpClientAsync();
        var tls = new SslStream(client.GetStream(), leaveInnerStreamOpen: false);
        var handshake = tls.AuthenticateAsClientAsync("127.0.0.1");

        var stream = server.GetStream();
        var header = new byte[5];
        await stream.ReadExactlyAsync(header);
        Assert.Equal(0x16, header[0]);
        var record = new byte[5 + ((header[3] << 8) | header[4])];
        header.CopyTo(record, 0);
        await stream.ReadExactlyAsync(record.AsMemory(5));

        server.Close();
        await Assert.ThrowsAnyAsync<Exception>(() => handshake);
        await tls.DisposeAsync();
        return record;
    }
}
