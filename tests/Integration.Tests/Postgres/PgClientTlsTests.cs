using System.Buffers.Binary;
using Npgsql;
using Sluice.IntegrationTests.Infrastructure;
using Sluice.Protocols.Postgres;

namespace Sluice.IntegrationTests.Postgres;

/// <summary>The client side of TLS and encryption negotiation.</summary>
[Collection("postgres")]
public sealed class PgClientTlsTests(PostgresFixture postgres) : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("sluice-tls-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task ConfiguredCertificate_IsPresented_AndVerifiesWithVerifyFull()
    {
        var certificate = Path.Combine(_directory, "gateway.crt");
        var key = Path.Combine(_directory, "gateway.key");
        SelfSignedCertificate.WritePemFiles(certificate, key);

        await using var gateway = await GatewayHarness.StartAsync(postgres, new HarnessOptions
        {
            ListenerYaml = $"    tls: {{ certificate: {certificate}, key: {key} }}",
        });
        var builder = new NpgsqlConnectionStringBuilder(gateway.ConnectionString(gateway.MintDevToken()))
        {
            SslMode = SslMode.VerifyFull,
            RootCertificate = certificate,
        };
        await using var connection = new NpgsqlConnection(builder.ConnectionString);
        await connection.OpenAsync();
        Assert.Equal(1, await new NpgsqlCommand("SELECT 1", connection).ExecuteScalarAsync());
        Assert.False(File.Exists(Path.Combine(gateway.DataDirectory, "tls", "pg.crt")), "no certificate should be generated");
    }

    [Fact]
    public async Task GeneratedCertificate_DoesNotVerifyAgainstAnotherRoot()
    {
        var other = Path.Combine(_directory, "other.crt");
        SelfSignedCertificate.WritePemFiles(other, Path.Combine(_directory, "other.key"));

        await using var gateway = await GatewayHarness.StartAsync(postgres);
        var builder = new NpgsqlConnectionStringBuilder(gateway.ConnectionString(gateway.MintDevToken()))
        {
            SslMode = SslMode.VerifyFull,
            RootCertificate = other,
        };
        await using var connection = new NpgsqlConnection(builder.ConnectionString);
        await Assert.ThrowsAnyAsync<Exception>(() => connection.OpenAsync());
        var keyMode = File.GetUnixFileMode(Path.Combine(gateway.DataDirectory, "tls", "pg.key"));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, keyMode);
    }

    [Fact]
    public async Task GssEncRequest_IsDeclined_AndTheStartupContinues()
    {
        await using var gateway = await GatewayHarness.StartAsync(postgres, new HarnessOptions { AllowPlaintext = true });
        await using var client = await RawPgClient.ConnectAsync(gateway.Port);
        var request = new byte[8];
        BinaryPrimitives.WriteInt32BigEndian(request, 8);
        BinaryPrimitives.WriteInt32BigEndian(request.AsSpan(4), PgStartupPacket.GssEncRequestCode);
        await client.SendRawAsync(request);
        Assert.Equal((byte)'N', await client.ReadByteAsync());

        await client.LoginAsync(gateway.MintDevToken());
        await client.SendAsync(PgWriter.Terminate);
    }

    [Fact]
    public async Task GssEncRequestThenSslRequest_GetsNThenS_AndTheSessionRunsOverTls()
    {
        await using var gateway = await GatewayHarness.StartAsync(postgres);
        await using var client = await RawPgClient.ConnectAsync(gateway.Port);
        await client.SendAsync(PgWriter.GssEncRequest);
        Assert.Equal((byte)'N', await client.ReadByteAsync());
        await client.StartTlsAsync(Path.Combine(gateway.DataDirectory, "tls", "pg.crt"));
        await client.LoginAsync(gateway.MintDevToken("gss-then-tls", "demo"));
        await client.SendAsync(w => PgWriter.Query(w, "SELECT 1"));
        Assert.Equal("TDCZ"u8.ToArray(), (await client.ReadUntilReadyAsync()).Select(m => m.Type).ToArray());
        await client.SendAsync(PgWriter.Terminate);

        var recording = await gateway.WaitForRecordingAsync(r => r.Header.Subject == "gss-then-tls");
        Assert.True(recording.Header.ClientTls);
    }

    [Fact]
    public async Task EncryptionRequestInsideTls_IsRefusedWith0A000()
    {
        await using var gateway = await GatewayHarness.StartAsync(postgres);
        await using var client = await RawPgClient.ConnectAsync(gateway.Port);
        await client.StartTlsAsync(Path.Combine(gateway.DataDirectory, "tls", "pg.crt"));
        await client.SendAsync(PgWriter.SslRequest);
        var error = await client.ReadFatalErrorAsync();
        Assert.Equal("0A000", error.Code);
    }

    [Fact]
    public async Task SecondConnectionOnTheListener_IsChosenByDatabaseName()
    {
        await using var gateway = await GatewayHarness.StartAsync(postgres);
        await using var connection = new NpgsqlConnection(gateway.ConnectionString(gateway.MintDevToken("other-agent", "none"), "other"));
        await connection.OpenAsync();
        Assert.Equal("demo", await new NpgsqlCommand("SELECT current_database()", connection).ExecuteScalarAsync());
        await connection.CloseAsync();
        var recording = await gateway.WaitForRecordingAsync(r => r.Header.Subject == "other-agent");
        Assert.Equal("other", recording.Header.Connection);
        Assert.Equal("whoever", recording.Header.ClientUser);
    }
}
