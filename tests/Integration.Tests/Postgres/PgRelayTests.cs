using System.Data;
using System.Text;
using Npgsql;
using NpgsqlTypes;
using Sluice.Core.Recording;
using Sluice.IntegrationTests.Infrastructure;

namespace Sluice.IntegrationTests.Postgres;

/// <summary>Through the gateway, clients see what a direct connection shows them.</summary>
[Collection("postgres")]
public sealed class PgRelayTests(PostgresFixture postgres) : IAsyncLifetime
{
    private const string MixedTypesQuery = """
        SELECT id, full_name, email, id::int8 * 1000 AS big, id / 7.0 AS ratio, (id % 2 = 0) AS even,
               '2026-12-03 10:00:00+00'::timestamptz + id * interval '1 minute' AS at,
               decode(md5(id::text), 'hex') AS digest, ARRAY[id, id + 1] AS pair, NULL::text AS nothing
        FROM customers WHERE id <= 300 ORDER BY id
        """;

    private GatewayHarness _gateway = null!;

    public async Task InitializeAsync() => _gateway = await GatewayHarness.StartAsync(postgres);

    public async Task DisposeAsync() => await _gateway.DisposeAsync();

    private NpgsqlConnection Direct() => new(postgres.Server.ConnectionString(
        PostgresFixture.UpstreamUser, postgres.UpstreamPassword, "demo"));

    [Fact]
    public async Task ExtendedProtocolWithBinaryResults_ReturnsWhatADirectConnectionReturns()
    {
        await using var direct = Direct();
        await direct.OpenAsync();
        await using var through = await _gateway.OpenAsync();

        var expected = await ReadAllAsync(direct, MixedTypesQuery);
        var actual = await ReadAllAsync(through, MixedTypesQuery);

        Assert.Equal(300, actual.Count);
        Assert.Equal(expected, actual);
    }

    [Fact]
    public async Task PreparedStatementWithParameters_RunsRepeatedly()
    {
        await using var connection = await _gateway.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT email FROM customers WHERE id = $1", connection);
        command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Integer });
        await command.PrepareAsync();
        for (var id = 1; id <= 20; id++)
        {
            command.Parameters[0].Value = id;
            var email = (string?)await command.ExecuteScalarAsync();
            Assert.Contains('@', email!);
        }
    }

    [Fact]
    public async Task PipelinedBatch_ReturnsEveryResultInOrder()
    {
        await using var connection = await _gateway.OpenAsync();
        await using var batch = new NpgsqlBatch(connection)
        {
            BatchCommands =
            {
                new NpgsqlBatchCommand("SELECT 1"),
                new NpgsqlBatchCommand("SELECT count(*) FROM customers"),
                new NpgsqlBatchCommand("SELECT 'three'"),
            },
        };
        await using var reader = await batch.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        Assert.Equal(1, reader.GetInt32(0));
        Assert.True(await reader.NextResultAsync());
        Assert.True(await reader.ReadAsync());
        Assert.Equal(10_000L, reader.GetInt64(0));
        Assert.True(await reader.NextResultAsync());
        Assert.True(await reader.ReadAsync());
        Assert.Equal("three", reader.GetString(0));
    }

    [Fact]
    public async Task ErrorInsideATransaction_LeavesTheSessionUsable()
    {
        await using var connection = await _gateway.OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        var error = await Assert.ThrowsAsync<PostgresException>(
            () => new NpgsqlCommand("SELECT 1/0", connection, transaction).ExecuteScalarAsync());
        Assert.Equal("22012", error.SqlState);
        await transaction.RollbackAsync();
        Assert.Equal(2, await new NpgsqlCommand("SELECT 2", connection).ExecuteScalarAsync());
    }

    [Fact]
    public async Task NoticesAndNotifications_ReachTheClient()
    {
        await using var connection = await _gateway.OpenAsync();
        var notices = new List<string>();
        var notifications = new List<string>();
        connection.Notice += (_, e) => notices.Add(e.Notice.MessageText);
        connection.Notification += (_, e) => notifications.Add(e.Payload);
        await new NpgsqlCommand("DO $$ BEGIN RAISE NOTICE 'hello from the server'; END $$", connection).ExecuteNonQueryAsync();
        await new NpgsqlCommand("LISTEN sluice_test; NOTIFY sluice_test, 'ping'", connection).ExecuteNonQueryAsync();
        await connection.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Contains("hello from the server", notices);
        Assert.Contains("ping", notifications);
    }

    [Fact]
    public async Task CopyOut_TextAndBinary_MatchADirectConnection()
    {
        await using var direct = Direct();
        await direct.OpenAsync();
        await using var through = await _gateway.OpenAsync();

        const string copyText = "COPY (SELECT * FROM customers ORDER BY id) TO STDOUT (FORMAT csv)";
        Assert.Equal(await CopyTextAsync(direct, copyText), await CopyTextAsync(through, copyText));

        const string copyBinary = "COPY (SELECT id, email FROM customers ORDER BY id) TO STDOUT (FORMAT binary)";
        Assert.Equal(await CopyBinaryIdsAsync(direct, copyBinary), await CopyBinaryIdsAsync(through, copyBinary));
    }

    [Fact]
    public async Task CopyIn_LoadsEveryRow()
    {
        await using var connection = await _gateway.OpenAsync();
        var table = $"copy_in_{Guid.NewGuid():N}";
        await new NpgsqlCommand($"CREATE TEMP TABLE {table} (id int, name text)", connection).ExecuteNonQueryAsync();
        await using (var writer = await connection.BeginTextImportAsync($"COPY {table} FROM STDIN"))
        {
            for (var i = 0; i < 5000; i++)
            {
                await writer.WriteLineAsync($"{i}\tname {i}");
            }
        }

        Assert.Equal(5000L, await new NpgsqlCommand($"SELECT count(*) FROM {table}", connection).ExecuteScalarAsync());
        Assert.Equal("name 4999", await new NpgsqlCommand($"SELECT name FROM {table} WHERE id = 4999", connection).ExecuteScalarAsync());
    }

    [Fact]
    public async Task Cancel_StopsALongRunningStatement_AndTheSessionGoesOn()
    {
        await using var connection = await _gateway.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT pg_sleep(60)", connection);
        var started = DateTime.UtcNow;
        var running = command.ExecuteNonQueryAsync();
        await Task.Delay(500);
        command.Cancel();
        // Npgsql reports a cancelled command as OperationCanceledException around the server's 57014.
        var cancelled = await Assert.ThrowsAsync<OperationCanceledException>(() => running);
        Assert.Equal("57014", Assert.IsType<PostgresException>(cancelled.InnerException).SqlState);
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(30));
        Assert.Equal(1, await new NpgsqlCommand("SELECT 1", connection).ExecuteScalarAsync());
    }

    [Fact]
    public async Task ClientSeesTheUpstreamBackendProcessId()
    {
        await using var connection = await _gateway.OpenAsync();
        var pid = (int)(await new NpgsqlCommand("SELECT pg_backend_pid()", connection).ExecuteScalarAsync())!;
        Assert.Equal(pid, connection.ProcessID);
    }

    [Fact]
    public async Task Psql_ThroughTheGateway_PrintsWhatItPrintsDirectly()
    {
        const string sql = "SELECT id, full_name, email, ssn FROM customers ORDER BY id LIMIT 25; SELECT 'second statement' AS s;";
        var direct = await Psql.RunAsync(
            "127.0.0.1", postgres.Server.Port, PostgresFixture.UpstreamUser, postgres.UpstreamPassword, "demo", "disable", sql);
        var through = await Psql.RunAsync(
            "127.0.0.1", _gateway.Port, "agent", _gateway.MintDevToken(), "demo", "require", sql);

        Assert.Equal(0, through.ExitCode);
        Assert.Contains("second statement", through.Output, StringComparison.Ordinal);
        Assert.Equal(direct.Output, through.Output);
    }

    [Fact]
    public async Task LargeObjectsThroughPsql_UseTheFunctionCallProtocol_AndRoundTrip()
    {
        var directory = Directory.CreateTempSubdirectory("sluice-lo-").FullName;
        try
        {
            var source = Path.Combine(directory, "source.bin");
            var target = Path.Combine(directory, "target.bin");
            var content = new byte[200_000];
            new Random(7).NextBytes(content);
            await File.WriteAllBytesAsync(source, content);
            var token = _gateway.MintDevToken();

            // psql's \lo_import and \lo_export run lo_open, lowrite, loread… as FunctionCall messages.
            var import = await PsqlThroughGatewayAsync(token, $"\\lo_import '{source}'");
            Assert.Equal(0, import.ExitCode);
            var oid = import.Output.Trim().Split(' ')[^1];
            var export = await PsqlThroughGatewayAsync(token, $"\\lo_export {oid} '{target}'");
            Assert.Equal(0, export.ExitCode);
            Assert.Equal(content, await File.ReadAllBytesAsync(target));
            await _gateway.WaitForRecordingAsync(
                r => RecordingReader.ReadEvents(r.Path).Any(e => e is RequestEvent { Kind: RequestKind.FunctionCall }));

            await using var connection = await _gateway.OpenAsync(token);
            await new NpgsqlCommand($"SELECT lo_unlink({oid})", connection).ExecuteScalarAsync();
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public async Task Recording_HoldsTheStatementsAndRows_AndVerifies()
    {
        var subject = $"recorded-{Guid.NewGuid():N}"[..20];
        await using (var connection = await _gateway.OpenAsync(_gateway.MintDevToken(subject, "demo")))
        {
            await new NpgsqlCommand("SELECT full_name FROM customers WHERE id = 42", connection).ExecuteScalarAsync();
            await using var batch = new NpgsqlCommand("SELECT 'marker-' || 7", connection);
            await batch.ExecuteScalarAsync();
        }

        var recording = await _gateway.WaitForRecordingAsync(r => r.Header.Subject == subject);
        Assert.Equal("demo", recording.Header.Connection);
        Assert.Equal(!GatewayHarness.PlaintextByDefault, recording.Header.ClientTls);
        Assert.Equal("whoever", recording.Header.ClientUser);

        var verification = RecordingVerifier.Verify(recording.Path);
        Assert.Equal(VerificationStatus.Intact, verification.Status);
        Assert.True(verification.HasSessionEnd);

        var events = RecordingReader.ReadEvents(recording.Path).ToList();
        var replay = new StringWriter();
        ReplayFormatter.Write(replay, events, new ReplayOptions(BinaryRenderer: Sluice.Protocols.Postgres.PgBinaryText.Render));
        var text = replay.ToString();
        Assert.Contains("SELECT full_name FROM customers WHERE id = 42", text, StringComparison.Ordinal);
        Assert.Contains("marker-7", text, StringComparison.Ordinal);

        await using var direct = Direct();
        await direct.OpenAsync();
        var name = (string)(await new NpgsqlCommand("SELECT full_name FROM customers WHERE id = 42", direct).ExecuteScalarAsync())!;
        Assert.Contains(name, text, StringComparison.Ordinal);

        // Neither the upstream password nor the caller's token is evidence: both stay out of the record.
        Assert.DoesNotContain(postgres.UpstreamPassword, text, StringComparison.Ordinal);
        Assert.DoesNotContain(postgres.UpstreamPassword, await File.ReadAllTextAsync(_gateway.AuditFile), StringComparison.Ordinal);
    }

    private Task<(int ExitCode, string Output, string Error)> PsqlThroughGatewayAsync(string token, string command) =>
        Psql.RunAsync("127.0.0.1", _gateway.Port, "agent", token, "demo", "require", command);

    private static async Task<List<string>> ReadAllAsync(NpgsqlConnection connection, string sql)
    {
        var rows = new List<string>();
        await using var command = new NpgsqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            var values = new object[reader.FieldCount];
            reader.GetValues(values);
            rows.Add(string.Join("|", values.Select(Render)));
        }

        return rows;
    }

    private static string Render(object value) => value switch
    {
        byte[] bytes => Convert.ToHexString(bytes),
        int[] array => string.Join(",", array),
        DateTime time => time.ToString("O"),
        DBNull => "NULL",
        _ => Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture) ?? "",
    };

    private static async Task<string> CopyTextAsync(NpgsqlConnection connection, string sql)
    {
        using var reader = await connection.BeginTextExportAsync(sql);
        return await reader.ReadToEndAsync();
    }

    private static async Task<string> CopyBinaryIdsAsync(NpgsqlConnection connection, string sql)
    {
        var text = new StringBuilder();
        await using var reader = await connection.BeginBinaryExportAsync(sql);
        while (await reader.StartRowAsync() != -1)
        {
            text.Append(await reader.ReadAsync<int>()).Append(':').Append(await reader.ReadAsync<string>()).Append('\n');
        }

        return text.ToString();
    }
}
