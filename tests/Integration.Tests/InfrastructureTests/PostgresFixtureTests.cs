using System.Text.RegularExpressions;
using Npgsql;
using Sluice.IntegrationTests.Infrastructure;

namespace Sluice.IntegrationTests.InfrastructureTests;

[Collection(PostgresCollectionDefinition.Name)]
public sealed partial class PostgresFixtureTests(PostgresFixture fixture)
{
    private PostgresServer Server => fixture.Server;

    [Fact]
    public async Task UpstreamRole_LogsInOverTcpOnLoopback_WithScram()
    {
        await using var connection = new NpgsqlConnection(fixture.UpstreamConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT current_user::text, host(inet_server_addr()), inet_server_port(), "
            + "current_setting('listen_addresses')",
            connection);
        await using var reader = await command.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());

        Assert.Equal(PostgresFixture.UpstreamUser, reader.GetString(0));
        Assert.Equal("127.0.0.1", reader.GetString(1));
        Assert.Equal(Server.Port, reader.GetInt32(2));
        Assert.Equal("127.0.0.1", reader.GetString(3));
    }

    [Fact]
    public async Task UpstreamRole_HasScramStoredPassword_AndHostLineRequiresScram()
    {
        string stored = await Server.ExecuteSqlAsync(
            $"SELECT rolpassword FROM pg_authid WHERE rolname = '{PostgresFixture.UpstreamUser}'");
        string rules = await Server.ExecuteSqlAsync(
            "SELECT type || ' ' || coalesce(address, '-') || ' ' || auth_method "
            + "FROM pg_hba_file_rules ORDER BY line_number");

        Assert.StartsWith("SCRAM-SHA-256$", stored.Trim(), StringComparison.Ordinal);
        Assert.Equal(["local - trust", "host 127.0.0.1 scram-sha-256"], rules.Trim().Split('\n'));
    }

    [Fact]
    public async Task WrongPassword_IsRefused_WithInvalidPasswordState()
    {
        string connectionString = Server.ConnectionString(
            PostgresFixture.UpstreamUser, fixture.UpstreamPassword + "x", PostgresFixture.DemoDatabase);
        await using var connection = new NpgsqlConnection(connectionString);

        var error = await Assert.ThrowsAsync<PostgresException>(() => connection.OpenAsync());

        Assert.Equal(PostgresErrorCodes.InvalidPassword, error.SqlState);
        Assert.Equal("28P01", error.SqlState);
    }

    [Fact]
    public async Task DemoTable_Has10000WellFormedRows_AndEveryCardPassesLuhn()
    {
        await using var connection = new NpgsqlConnection(fixture.UpstreamConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT id, full_name, email, phone, ssn, card_number FROM customers ORDER BY id", connection);
        await using var reader = await command.ExecuteReaderAsync();

        int rows = 0;
        var emails = new HashSet<string>(StringComparer.Ordinal);
        while (await reader.ReadAsync())
        {
            rows++;
            Assert.Equal(rows, reader.GetInt32(0));
            string email = reader.GetString(2);
            string card = reader.GetString(5);

            Assert.Matches(FullNamePattern(), reader.GetString(1));
            Assert.Matches(EmailPattern(), email);
            Assert.Matches(PhonePattern(), reader.GetString(3));
            Assert.Matches(SsnPattern(), reader.GetString(4));
            Assert.Matches(CardPattern(), card);
            Assert.True(Luhn.IsValid(card), $"Row {rows}: card {card} fails the Luhn check.");
            Assert.True(emails.Add(email), $"Row {rows}: duplicate email {email}.");
        }

        Assert.Equal(10_000, rows);
    }

    [Fact]
    public void LuhnChecker_RejectsAnAlteredNumber()
    {
        Assert.True(Luhn.IsValid("4111111111111111"));
        Assert.False(Luhn.IsValid("4111111111111112"));
        Assert.False(Luhn.IsValid("4111111111111121"));
    }

    [Fact]
    public async Task Tls_RequireMode_EncryptsTheSession()
    {
        var builder = new NpgsqlConnectionStringBuilder(fixture.UpstreamConnectionString) { SslMode = SslMode.Require };
        await using var connection = new NpgsqlConnection(builder.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT ssl, version FROM pg_stat_ssl WHERE pid = pg_backend_pid()", connection);
        await using var reader = await command.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());

        Assert.True(reader.GetBoolean(0));
        Assert.StartsWith("TLSv1.", reader.GetString(1), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Tls_VerifyFull_TrustsTheGeneratedCertificateForLoopback()
    {
        var builder = new NpgsqlConnectionStringBuilder(fixture.UpstreamConnectionString)
        {
            SslMode = SslMode.VerifyFull,
            RootCertificate = Server.CertificatePath,
        };
        await using var connection = new NpgsqlConnection(builder.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()", connection);

        Assert.Equal(true, await command.ExecuteScalarAsync());
    }

    [Fact]
    public async Task TlsKey_IsReadableOnlyByTheServerUser()
    {
        if (!OperatingSystem.IsLinux())
        {
            throw new PlatformNotSupportedException("The test server runs on Linux only.");
        }

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Server.KeyPath));
        string keySetting = await Server.ExecuteSqlAsync("SHOW ssl_key_file");

        Assert.Equal(Server.KeyPath, keySetting.Trim());
        if (Environment.IsPrivilegedProcess)
        {
            Assert.Equal("postgres", await FileOwnerAsync(Server.KeyPath));
        }
    }

    private static async Task<string> FileOwnerAsync(string path)
    {
        ProcessResult result = await ProcessRunner.RunAsync("stat", ["-c", "%U", path], asPostgres: false);
        Assert.True(result.Succeeded, result.StandardError);
        return result.StandardOutput.Trim();
    }

    [GeneratedRegex(@"^[A-Z][a-z]+ [A-Z][a-z]+$")]
    private static partial Regex FullNamePattern();

    [GeneratedRegex(@"^[a-z]+\.[a-z]+[0-9]*@example\.com$")]
    private static partial Regex EmailPattern();

    [GeneratedRegex(@"^\+1-555-01[0-9]{2}-[0-9]{4}$")]
    private static partial Regex PhonePattern();

    [GeneratedRegex(@"^(?!000|666)[0-8][0-9]{2}-(?!00)[0-9]{2}-(?!0000)[0-9]{4}$")]
    private static partial Regex SsnPattern();

    [GeneratedRegex(@"^(4[0-9]{15}|5[1-5][0-9]{14})$")]
    private static partial Regex CardPattern();
}
