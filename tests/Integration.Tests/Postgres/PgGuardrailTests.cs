using Npgsql;
using Sluice.IntegrationTests.Infrastructure;

namespace Sluice.IntegrationTests.Postgres;

/// <summary>
/// Guardrails decide on the parsed statement: comments, case, whitespace, a second statement, dynamic SQL and
/// prepared statements do not get a denied statement through, and the session stays usable after each denial.
/// </summary>
[Collection("postgres")]
public sealed class PgGuardrailTests(PostgresFixture postgres) : IAsyncLifetime
{
    private const string Policy = """
        policy:
          rules:
            - name: no-ddl
              deny: { classes: [ddl, privilege] }
            - name: no-unbounded-writes
              deny: { write_without_where: true }
            - name: no-file-access
              deny: { functions: [pg_read_file, lo_export, "dblink*"] }
            - name: guarded-settings
              deny: { settings: [client_encoding, standard_conforming_strings, search_path] }
            - name: no-dynamic-sql
              deny: { classes: [dynamic] }
        """;

    private GatewayHarness _gateway = null!;

    public async Task InitializeAsync()
    {
        await postgres.Server.ExecuteSqlAsync($"SET ROLE {PostgresFixture.UpstreamUser};\n{MaskingRules.Fixtures}", "demo");
        _gateway = await GatewayHarness.StartAsync(postgres, new HarnessOptions { PolicyYaml = Policy });
    }

    public async Task DisposeAsync() => await _gateway.DisposeAsync();

    public static TheoryData<string, string> Denied => new()
    {
        { "DROP TABLE customers", "no-ddl" },
        { "drop/**/table customers", "no-ddl" },
        { "DrOp    TaBlE\n\tcustomers", "no-ddl" },
        { "-- harmless\nDROP TABLE customers", "no-ddl" },
        { "/* nested /* comment */ still */ DROP TABLE customers", "no-ddl" },
        { "SELECT 1; DROP TABLE customers", "no-ddl" },
        { "SELECT 'a;b'; DROP TABLE customers", "no-ddl" },
        { "GRANT ALL ON customers TO PUBLIC", "no-ddl" },
        { "DELETE FROM tickets", "no-unbounded-writes" },
        { "update tickets set body = 'x'", "no-unbounded-writes" },
        { "SELECT pg_read_file('/etc/passwd')", "no-file-access" },
        { "SELECT PG_READ_FILE ( '/etc/passwd' )", "no-file-access" },
        { "SELECT dblink_exec('dbname=demo', 'DROP TABLE customers')", "no-file-access" },
        { "SET search_path = evil, public", "guarded-settings" },
        { "SET client_encoding = 'LATIN1'", "guarded-settings" },
        { "DO $$ BEGIN EXECUTE 'DROP TABLE customers'; END $$", "no-dynamic-sql" },
        { "PREPARE wipe AS DELETE FROM tickets WHERE true", "no-dynamic-sql" },
        { "EXECUTE wipe", "no-dynamic-sql" },
        { "SELECT query_to_xml('DELETE FROM tickets RETURNING *', true, false, '')", "no-dynamic-sql" },
        { "FROBNICATE customers", "unknown" },
    };

    [Theory]
    [MemberData(nameof(Denied))]
    public async Task DeniedStatement_IsRefusedWith42501NamingTheRule_AndTheSessionGoesOn(string sql, string rule)
    {
        await using var connection = await _gateway.OpenAsync();
        var error = await Assert.ThrowsAsync<PostgresException>(() => new NpgsqlCommand(sql, connection).ExecuteNonQueryAsync());
        Assert.Equal("42501", error.SqlState);
        Assert.Contains(rule, error.MessageText, StringComparison.Ordinal);
        Assert.Equal(1, await new NpgsqlCommand("SELECT 1", connection).ExecuteScalarAsync());
        Assert.Equal(10_000L, await DirectScalarAsync("SELECT count(*) FROM customers"));
    }

    [Fact]
    public async Task HarmlessStatementBeforeADeniedOne_DoesNotRunEither()
    {
        await using var connection = await _gateway.OpenAsync();
        await Assert.ThrowsAsync<PostgresException>(() => new NpgsqlCommand(
            "INSERT INTO tickets VALUES (77, 'should not exist'); DROP TABLE customers", connection).ExecuteNonQueryAsync());
        Assert.Equal(0L, await DirectScalarAsync("SELECT count(*) FROM tickets WHERE id = 77"));
    }

    [Fact]
    public async Task AllowedStatements_Run()
    {
        await using var connection = await _gateway.OpenAsync();
        Assert.Equal(1, await new NpgsqlCommand("UPDATE tickets SET body = body WHERE id = 2", connection).ExecuteNonQueryAsync());
        await new NpgsqlCommand("SET application_name = 'still fine'", connection).ExecuteNonQueryAsync();
        var body = new NpgsqlCommand("SELECT body FROM tickets WHERE id = 2", connection);
        Assert.Equal("No personal data here", await body.ExecuteScalarAsync());
    }

    [Fact]
    public async Task DenialInsideATransaction_FailsTheTransactionAsAnyErrorWould_AndRollbackRecovers()
    {
        await using var connection = await _gateway.OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        var denied = await Assert.ThrowsAsync<PostgresException>(
            () => new NpgsqlCommand("TRUNCATE tickets", connection, transaction).ExecuteNonQueryAsync());
        Assert.Equal("42501", denied.SqlState);
        var aborted = await Assert.ThrowsAsync<PostgresException>(
            () => new NpgsqlCommand("SELECT 1", connection, transaction).ExecuteScalarAsync());
        Assert.Equal("25P02", aborted.SqlState);
        await transaction.RollbackAsync();
        Assert.Equal(1, await new NpgsqlCommand("SELECT 1", connection).ExecuteScalarAsync());
    }

    [Fact]
    public async Task PreparedStatement_IsJudgedAtParse_AndRefusedOnEveryExecution()
    {
        await using var connection = await _gateway.OpenAsync();
        await using var command = new NpgsqlCommand("DELETE FROM tickets", connection);
        for (var attempt = 0; attempt < 2; attempt++)
        {
            var error = await Assert.ThrowsAsync<PostgresException>(() => command.ExecuteNonQueryAsync());
            Assert.Equal("42501", error.SqlState);
        }

        Assert.Equal(2L, await DirectScalarAsync("SELECT count(*) FROM tickets WHERE id IN (1, 2)"));
        Assert.Equal(1, await new NpgsqlCommand("SELECT 1", connection).ExecuteScalarAsync());
    }

    [Fact]
    public async Task Psql_ShowsTheDenial_AndTheAuditLogAndRecordingHoldIt()
    {
        var token = _gateway.MintDevToken("psql-denied", "demo");
        var result = await Psql.RunAsync("127.0.0.1", _gateway.Port, "agent", token, "demo", "require", "DROP TABLE customers");
        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("no-ddl", result.Error, StringComparison.Ordinal);

        var recording = await _gateway.WaitForRecordingAsync(r => r.Header.Subject == "psql-denied");
        var replay = new StringWriter();
        Sluice.Core.Recording.ReplayFormatter.Write(
            replay, Sluice.Core.Recording.RecordingReader.ReadEvents(recording.Path), new Sluice.Core.Recording.ReplayOptions());
        Assert.Contains("DROP TABLE customers", replay.ToString(), StringComparison.Ordinal);
        Assert.Contains("refused", replay.ToString(), StringComparison.Ordinal);
        var audit = await File.ReadAllTextAsync(_gateway.AuditFile);
        Assert.Contains("\"type\":\"statement.denied\"", audit, StringComparison.Ordinal);
        Assert.Contains("\"rule\":\"no-ddl\"", audit, StringComparison.Ordinal);
    }

    private async Task<object?> DirectScalarAsync(string sql)
    {
        await using var direct = new NpgsqlConnection(postgres.UpstreamConnectionString);
        await direct.OpenAsync();
        return await new NpgsqlCommand(sql, direct).ExecuteScalarAsync();
    }
}
