using Npgsql;
using NpgsqlTypes;
using Sluice.IntegrationTests.Infrastructure;

namespace Sluice.IntegrationTests.Postgres;

/// <summary>
/// Protected values must not leave through any way of asking for them. Each query runs directly and through the
/// gateway; in every row, the columns that carry protected data must differ from what the database holds, and
/// every other column must be exactly what the database returned.
/// </summary>
[Collection("postgres")]
public sealed class PgMaskingBypassTests(PostgresFixture postgres) : IAsyncLifetime
{
    private GatewayHarness _gateway = null!;

    public async Task InitializeAsync()
    {
        await postgres.Server.ExecuteSqlAsync($"SET ROLE {PostgresFixture.UpstreamUser};\n{MaskingRules.Fixtures}", "demo");
        _gateway = await GatewayHarness.StartAsync(postgres, new HarnessOptions { MaskingYaml = MaskingRules.Yaml });
    }

    public async Task DisposeAsync() => await _gateway.DisposeAsync();

    public static TheoryData<string, int[]> Queries => new()
    {
        { "SELECT id, ssn AS x FROM customers WHERE id <= 20 ORDER BY id", [1] },
        { "SELECT c.id, c.email AS e, c.phone AS p FROM customers c WHERE c.id <= 20 ORDER BY c.id", [1, 2] },
        { "SELECT * FROM customers WHERE id <= 20 ORDER BY id", [1, 2, 3, 4, 5] },
        { "SELECT id, s FROM (SELECT id, ssn AS s FROM customers) AS t WHERE id <= 20 ORDER BY id", [1] },
        { "WITH t AS (SELECT id, card_number FROM customers) SELECT id, card_number FROM t WHERE id <= 20 ORDER BY id", [1] },
        { "SELECT id, email, phone FROM customer_contacts WHERE id <= 20 ORDER BY id", [0, 1, 2] },
        { "SELECT id, contact FROM customer_contacts_2 WHERE id <= 20 ORDER BY id", [0, 1] },
        { "SELECT id, upper(ssn) FROM customers WHERE id <= 20 ORDER BY id", [1] },
        { "SELECT id, ssn || '' AS s FROM customers WHERE id <= 20 ORDER BY id", [1] },
        { "SELECT id, ssn::varchar(20) AS s FROM customers WHERE id <= 20 ORDER BY id", [1] },
        { "SELECT id, ssn::text, card_number::bigint::text FROM customers WHERE id <= 20 ORDER BY id", [1, 2] },
        { "SELECT id, encode(convert_to(ssn, 'UTF8'), 'base64') FROM customers WHERE id <= 20 ORDER BY id", [1] },
        { "SELECT string_agg(ssn, ',' ORDER BY id) FROM customers WHERE id <= 20", [0] },
        { "SELECT id, row_to_json(c)::text FROM customers c WHERE id <= 20 ORDER BY id", [1] },
        { "SELECT id, ssn_of(id) FROM customers WHERE id <= 20 ORDER BY id", [1] },
        { "SELECT ssn_of(7)", [0] },
        { "SELECT id, lower(email) FROM customer_contacts WHERE id <= 20 ORDER BY id", [0, 1] },
        { "SELECT id, (SELECT ssn FROM customers i WHERE i.id = o.id) FROM customers o WHERE id <= 20 ORDER BY id", [1] },
        { "SELECT /* customers */ id, \"ssn\" FROM \"customers\" WHERE id <= 20 ORDER BY id", [1] },
        {
            "SELECT id, query_to_xml('select ssn from customers where id = ' || id, true, false, '')::text " +
            "FROM customers WHERE id <= 3 ORDER BY id",
            [1]
        },
    };

    [Theory]
    [MemberData(nameof(Queries))]
    public async Task ProtectedValues_DoNotLeaveThrough(string sql, int[] maskedColumns)
    {
        var direct = await ReadAsync(DirectConnection(), sql);
        await using var through = await _gateway.OpenAsync();
        var masked = await ReadAsync(through, sql);

        AssertMasked(direct, masked, maskedColumns);
    }

    [Fact]
    public async Task PreparedStatementsWithBinaryResults_AreMaskedOnEveryExecution()
    {
        await using var direct = DirectConnection();
        await direct.OpenAsync();
        await using var through = await _gateway.OpenAsync();
        const string sql = "SELECT id, ssn, card_number, email, full_name FROM customers WHERE id = $1";
        await using var command = new NpgsqlCommand(sql, through);
        command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Integer });
        await command.PrepareAsync();
        for (var id = 1; id <= 10; id++)
        {
            command.Parameters[0].Value = id;
            var literal = id.ToString(System.Globalization.CultureInfo.InvariantCulture);
            var expected = await ReadAsync(direct, sql.Replace("$1", literal, StringComparison.Ordinal));
            await using var reader = await command.ExecuteReaderAsync();
            Assert.True(await reader.ReadAsync());
            var row = Enumerable.Range(0, reader.FieldCount).Select(i => Cell(reader, i)).ToArray();
            AssertMasked(expected, [row], [1, 2, 3, 4]);
            Assert.EndsWith(expected[0][2][^4..], row[2], StringComparison.Ordinal);
            Assert.EndsWith(expected[0][3][expected[0][3].IndexOf('@', StringComparison.Ordinal)..], row[3], StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Cursors_DeclaredAndFetched_AreMasked()
    {
        var direct = await ReadAsync(DirectConnection(), "SELECT id, ssn, upper(email) FROM customers ORDER BY id LIMIT 5");
        await using var through = await _gateway.OpenAsync();
        await using var transaction = await through.BeginTransactionAsync();
        await new NpgsqlCommand("DECLARE cur CURSOR FOR SELECT id, ssn, upper(email) FROM customers ORDER BY id", through, transaction)
            .ExecuteNonQueryAsync();
        var fetched = await ReadAsync(through, "FETCH 5 FROM cur", transaction);
        AssertMasked(direct, fetched, [1, 2]);
    }

    [Fact]
    public async Task SecondStatementOfAMultiStatementQuery_IsMasked()
    {
        var sql = "SELECT 'harmless' AS h; SELECT id, ssn FROM customers WHERE id <= 5 ORDER BY id";
        var direct = await Psql.RunAsync(
            "127.0.0.1", postgres.Server.Port, PostgresFixture.UpstreamUser, postgres.UpstreamPassword, "demo", "disable", sql);
        var through = await Psql.RunAsync("127.0.0.1", _gateway.Port, "agent", _gateway.MintDevToken(), "demo", "require", sql);
        Assert.True(through.ExitCode == 0, through.Error);
        Assert.Contains("harmless", through.Output, StringComparison.Ordinal);
        foreach (var ssn in (await ReadAsync(DirectConnection(), "SELECT ssn FROM customers WHERE id <= 5")).Select(r => r[0]))
        {
            Assert.True(direct.Output.Contains(ssn, StringComparison.Ordinal), direct.Output + direct.Error);
            Assert.DoesNotContain(ssn, through.Output, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Detectors_MaskSecretsInFreeText_AndLeaveOtherTextAlone()
    {
        await using var through = await _gateway.OpenAsync();
        var rows = await ReadAsync(through, "SELECT id, body FROM tickets ORDER BY id");
        Assert.DoesNotContain("jane.doe@", rows[0][1], StringComparison.Ordinal);
        Assert.Contains("@example.org", rows[0][1], StringComparison.Ordinal);
        Assert.DoesNotContain("4111 1111 1111 1111", rows[0][1], StringComparison.Ordinal);
        Assert.Contains("1111", rows[0][1], StringComparison.Ordinal);
        Assert.Equal("No personal data here", rows[1][1]);
    }

    [Fact]
    public async Task Scopes_AuditorsSeeClear_SupportSeesLastFour_EtlGetsStablePseudonyms()
    {
        const string sql = "SELECT id, email, card_number FROM customers WHERE id <= 5 ORDER BY id";
        var direct = await ReadAsync(DirectConnection(), sql);

        await using (var auditor = await _gateway.OpenAsync(_gateway.MintDevToken("auditor", "demo", "auditors")))
        {
            Assert.Equal(direct, await ReadAsync(auditor, sql));
        }

        await using (var support = await _gateway.OpenAsync(_gateway.MintDevToken("support-1", "demo", "support")))
        {
            var rows = await ReadAsync(support, sql);
            AssertMasked(direct, rows, [1, 2]);
            Assert.All(rows.Zip(direct), p => Assert.EndsWith(p.Second[2][^4..], p.First[2], StringComparison.Ordinal));
        }

        List<string[]> first, second;
        await using (var etl = await _gateway.OpenAsync(_gateway.MintDevToken("etl-1", "demo", "etl")))
        {
            first = await ReadAsync(etl, sql);
        }

        await using (var etl = await _gateway.OpenAsync(_gateway.MintDevToken("etl-2", "demo", "etl")))
        {
            second = await ReadAsync(etl, sql);
        }

        AssertMasked(direct, first, [1, 2]);
        Assert.Equal(first, second);
        Assert.Equal(5, first.Select(r => r[1]).Distinct().Count());
    }

    [Fact]
    public async Task MaskedResults_ParseInPsql_AndTheRecordingHoldsOnlyMaskedValues()
    {
        const string sql = "SELECT id, full_name, email, ssn, card_number FROM customers WHERE id <= 10 ORDER BY id";
        var token = _gateway.MintDevToken("psql-masked", "demo");
        var through = await Psql.RunAsync("127.0.0.1", _gateway.Port, "agent", token, "demo", "require", sql);
        Assert.Equal(0, through.ExitCode);
        Assert.Contains("(10 rows)", through.Output, StringComparison.Ordinal);

        var recording = await _gateway.WaitForRecordingAsync(r => r.Header.Subject == "psql-masked");
        var replay = new StringWriter();
        Sluice.Core.Recording.ReplayFormatter.Write(
            replay, Sluice.Core.Recording.RecordingReader.ReadEvents(recording.Path), new Sluice.Core.Recording.ReplayOptions());
        foreach (var row in await ReadAsync(DirectConnection(), sql))
        {
            foreach (var secret in row[1..])
            {
                Assert.DoesNotContain(secret, through.Output, StringComparison.Ordinal);
                Assert.DoesNotContain(secret, replay.ToString(), StringComparison.Ordinal);
            }
        }

        Assert.Contains("values masked in this session", replay.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("COPY customers TO STDOUT", '\t', new[] { 1, 2, 3, 4, 5 })]
    [InlineData("COPY customers TO STDOUT (FORMAT csv)", ',', new[] { 1, 2, 3, 4, 5 })]
    [InlineData("COPY public.customers (id, ssn, notes) TO STDOUT (FORMAT csv, HEADER)", ',', new[] { 1 })]
    [InlineData("COPY (SELECT id, upper(email), ssn AS x FROM customers ORDER BY id) TO STDOUT", '\t', new[] { 1, 2 })]
    public async Task CopyOut_FromATableOrAQuery_IsMaskedFieldByField(string sql, char delimiter, int[] maskedColumns)
    {
        await using var direct = DirectConnection();
        await direct.OpenAsync();
        await using var through = await _gateway.OpenAsync();

        var expected = await CopyLinesAsync(direct, sql, delimiter);
        var actual = await CopyLinesAsync(through, sql, delimiter);
        Assert.True(expected.Count >= 10_000);
        if (sql.Contains("HEADER", StringComparison.Ordinal))
        {
            Assert.Equal(expected[0], actual[0]);
            expected.RemoveAt(0);
            actual.RemoveAt(0);
        }

        AssertMasked(expected, actual, maskedColumns);
    }

    [Fact]
    public async Task CopyOut_Binary_IsMaskedAndStaysValidBinary()
    {
        const string sql = "COPY (SELECT id, ssn, card_number FROM customers WHERE id <= 50 ORDER BY id) TO STDOUT (FORMAT binary)";
        await using var direct = DirectConnection();
        await direct.OpenAsync();
        await using var through = await _gateway.OpenAsync();
        var expected = await BinaryRowsAsync(direct, sql);
        var actual = await BinaryRowsAsync(through, sql);
        AssertMasked(expected, actual, [1, 2]);
        Assert.All(actual.Zip(expected), p => Assert.EndsWith(p.Second[2][^4..], p.First[2], StringComparison.Ordinal));
    }

    [Fact]
    public async Task CopyOut_OfFreeText_RunsTheDetectors()
    {
        await using var through = await _gateway.OpenAsync();
        var lines = await CopyLinesAsync(through, "COPY tickets TO STDOUT", '\t');
        Assert.DoesNotContain("jane.doe@", lines[0][1], StringComparison.Ordinal);
        Assert.DoesNotContain("4111 1111 1111 1111", lines[0][1], StringComparison.Ordinal);
        Assert.Equal("No personal data here", lines[1][1]);
    }

    [Fact]
    public async Task CopyOut_ThatCannotBeMasked_IsRefused_AndTheSessionGoesOn()
    {
        await using var through = await _gateway.OpenAsync();
        var error = await Assert.ThrowsAnyAsync<Exception>(
            () => CopyLinesAsync(through, "COPY customers TO STDOUT (FORMAT text, ENCODING 'LATIN1')", '\t'));
        var refusal = error as PostgresException ?? error.InnerException as PostgresException;
        Assert.NotNull(refusal);
        Assert.Equal("0A000", refusal.SqlState);
        Assert.Contains("cannot mask this COPY", refusal.MessageText, StringComparison.Ordinal);
        Assert.Equal(1, await new NpgsqlCommand("SELECT 1", through).ExecuteScalarAsync());

        await using var prepared = new NpgsqlCommand("COPY customers TO STDOUT (ENCODING 'LATIN1')", through);
        var again = await Assert.ThrowsAsync<PostgresException>(() => prepared.ExecuteNonQueryAsync());
        Assert.Equal("0A000", again.SqlState);
        Assert.Equal(2, await new NpgsqlCommand("SELECT 2", through).ExecuteScalarAsync());
    }

    private static async Task<List<string[]>> CopyLinesAsync(NpgsqlConnection connection, string sql, char delimiter)
    {
        using var reader = await connection.BeginTextExportAsync(sql);
        var text = await reader.ReadToEndAsync();
        return [.. text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split(delimiter))];
    }

    private static async Task<List<string[]>> BinaryRowsAsync(NpgsqlConnection connection, string sql)
    {
        var rows = new List<string[]>();
        await using var reader = await connection.BeginBinaryExportAsync(sql);
        while (await reader.StartRowAsync() != -1)
        {
            var id = await reader.ReadAsync<int>();
            var ssn = reader.IsNull ? "NULL" : await reader.ReadAsync<string>();
            var card = reader.IsNull ? "NULL" : await reader.ReadAsync<string>();
            rows.Add([id.ToString(System.Globalization.CultureInfo.InvariantCulture), ssn, card]);
        }

        return rows;
    }

    private NpgsqlConnection DirectConnection() => new(postgres.UpstreamConnectionString);

    private static void AssertMasked(List<string[]> direct, List<string[]> masked, int[] maskedColumns)
    {
        Assert.Equal(direct.Count, masked.Count);
        Assert.NotEmpty(direct);
        for (var row = 0; row < direct.Count; row++)
        {
            Assert.Equal(direct[row].Length, masked[row].Length);
            for (var column = 0; column < direct[row].Length; column++)
            {
                if (maskedColumns.Contains(column))
                {
                    Assert.NotEqual(direct[row][column], masked[row][column]);
                }
                else
                {
                    Assert.Equal(direct[row][column], masked[row][column]);
                }
            }
        }
    }

    private static async Task<List<string[]>> ReadAsync(NpgsqlConnection connection, string sql, NpgsqlTransaction? transaction = null)
    {
        if (connection.State != System.Data.ConnectionState.Open)
        {
            await connection.OpenAsync();
        }

        var rows = new List<string[]>();
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        await using var reader = await command.ExecuteReaderAsync();
        do
        {
            while (await reader.ReadAsync())
            {
                rows.Add(Enumerable.Range(0, reader.FieldCount).Select(i => Cell(reader, i)).ToArray());
            }
        }
        while (await reader.NextResultAsync());

        return rows;
    }

    private static string Cell(NpgsqlDataReader reader, int column) => reader.IsDBNull(column)
        ? "NULL"
        : Convert.ToString(reader.GetValue(column), System.Globalization.CultureInfo.InvariantCulture)!;
}
