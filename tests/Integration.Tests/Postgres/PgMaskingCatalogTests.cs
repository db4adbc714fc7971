using Npgsql;
using Sluice.IntegrationTests.Infrastructure;

namespace Sluice.IntegrationTests.Postgres;

/// <summary>The gateway's catalog lookups follow the schema as it changes.</summary>
[Collection("postgres")]
public sealed class PgMaskingCatalogTests(PostgresFixture postgres)
{
    private const string Rules = """
        masking:
          pseudonym_key: { value: "integration-tests-pseudonym-key-0123456789" }
          rules:
            - name: secret-column
              table: stale_demo
              column: secret
              strategy: redact
        """;

    [Fact]
    public async Task ColumnRenamedThroughTheGateway_IsMaskedByItsNewName()
    {
        await using var gateway = await GatewayHarness.StartAsync(postgres, new HarnessOptions { MaskingYaml = Rules });
        await using var connection = await gateway.OpenAsync();
        await Execute(connection, "DROP TABLE IF EXISTS stale_demo");
        await Execute(connection, "CREATE TABLE stale_demo (id int, hidden text)");
        await Execute(connection, "INSERT INTO stale_demo VALUES (1, 'visible before the rename')");

        Assert.Equal("visible before the rename", await Scalar(connection, "SELECT hidden FROM stale_demo"));

        await Execute(connection, "ALTER TABLE stale_demo RENAME COLUMN hidden TO secret");
        Assert.Equal("[redacted]", await Scalar(connection, "SELECT secret FROM stale_demo"));
        Assert.Equal("[redacted]", await Scalar(connection, "SELECT secret AS renamed_again FROM stale_demo"));

        await Execute(connection, "DROP TABLE stale_demo");
    }

    private static async Task Execute(NpgsqlConnection connection, string sql) =>
        await new NpgsqlCommand(sql, connection).ExecuteNonQueryAsync();

    private static async Task<object?> Scalar(NpgsqlConnection connection, string sql) =>
        await new NpgsqlCommand(sql, connection).ExecuteScalarAsync();
}
