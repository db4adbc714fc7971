using System.Buffers.Binary;
using Npgsql;
using Sluice.IntegrationTests.Infrastructure;
using Sluice.Protocols.Postgres;

namespace Sluice.IntegrationTests.Postgres;

/// <summary>Clients that misbehave get a protocol-correct refusal, and nothing they send passes unparsed.</summary>
[Collection("postgres")]
public sealed class PgHostileClientTests(PostgresFixture postgres) : IAsyncLifetime
{
    private GatewayHarness _gateway = null!;

    public async Task InitializeAsync() => _gateway = await GatewayHarness.StartAsync(postgres, new HarnessOptions
    {
        AllowPlaintext = true,
        StartupTimeout = "5s",
        MaxMessageBytes = "64KiB",
    });

    public async Task DisposeAsync() => await _gateway.DisposeAsync();

    [Fact]
    public async Task MessageTypeNotValidAfterStartup_EndsTheSessionWith08P01()
    {
        await using var client = await RawPgClient.ConnectAsync(_gateway.Port);
        await client.LoginAsync(_gateway.MintDevToken());
        await client.SendAsync(w => PgWriter.PasswordMessage(w, "a second password, out of place"));
        var error = await client.ReadFatalErrorAsync();
        Assert.Equal("08P01", error.Code);
        Assert.Equal("FATAL", error.Severity);
    }

    [Fact]
    public async Task MessageAboveTheLimit_IsRefusedWith54000_BeforeItsBodyArrives()
    {
        await using var client = await RawPgClient.ConnectAsync(_gateway.Port);
        await client.LoginAsync(_gateway.MintDevToken());

        // Only the header of a 1 GiB query: the gateway must answer without waiting for the body.
        var header = new byte[5];
        header[0] = (byte)'Q';
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(1), 1 << 30);
        await client.SendRawAsync(header);
        var error = await client.ReadFatalErrorAsync();
        Assert.Equal("54000", error.Code);
    }

    [Fact]
    public async Task QueryJustAboveTheLimitFromNpgsql_IsRefused_AndOtherSessionsCarryOn()
    {
        await using var other = await _gateway.OpenAsync();
        await using var connection = await _gateway.OpenAsync();
        var huge = "SELECT '" + new string('x', 70 * 1024) + "'";
        var error = await Assert.ThrowsAsync<PostgresException>(() => new NpgsqlCommand(huge, connection).ExecuteScalarAsync());
        Assert.Equal("54000", error.SqlState);
        Assert.Equal(1, await new NpgsqlCommand("SELECT 1", other).ExecuteScalarAsync());
    }

    [Fact]
    public async Task InvalidLengthAfterStartup_EndsTheSession()
    {
        await using var client = await RawPgClient.ConnectAsync(_gateway.Port);
        await client.LoginAsync(_gateway.MintDevToken());
        await client.SendRawAsync(new byte[] { (byte)'Q', 0, 0, 0, 2 });
        var error = await client.ReadFatalErrorAsync();
        Assert.Equal("08P01", error.Code);
    }

    [Fact]
    public async Task SilentClient_IsDroppedAfterTheStartupTimeout()
    {
        await using var client = await RawPgClient.ConnectAsync(_gateway.Port);
        var started = DateTime.UtcNow;
        var error = await client.ReadFatalErrorAsync();
        Assert.Equal("08000", error.Code);
        Assert.InRange(DateTime.UtcNow - started, TimeSpan.FromSeconds(4.5), TimeSpan.FromSeconds(14));
    }

    [Fact]
    public async Task PlaintextTokenOnAListenerThatAllowsIt_Works_AndStaysRecorded()
    {
        await using var client = await RawPgClient.ConnectAsync(_gateway.Port);
        await client.LoginAsync(_gateway.MintDevToken("plaintext-agent", "demo"));
        await client.SendAsync(w => PgWriter.Query(w, "SELECT 'over plaintext'"));
        var types = new List<byte>();
        while (true)
        {
            var (type, _) = await client.ReadMessageAsync();
            types.Add(type);
            if (type is (byte)'Z' or 0)
            {
                break;
            }
        }

        Assert.Equal("TDCZ"u8.ToArray(), types.ToArray());
        await client.SendAsync(PgWriter.Terminate);
        var recording = await _gateway.WaitForRecordingAsync(r => r.Header.Subject == "plaintext-agent");
        Assert.False(recording.Header.ClientTls);
    }
}
