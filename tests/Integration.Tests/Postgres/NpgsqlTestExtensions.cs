using Npgsql;

namespace Sluice.IntegrationTests.Postgres;

internal static class NpgsqlTestExtensions
{
    /// <summary>Runs a query and reads its whole result, returning how many rows came.</summary>
    public static async Task<int> CountRowsAsync(this NpgsqlConnection connection, string sql)
    {
        await using var reader = await new NpgsqlCommand(sql, connection).ExecuteReaderAsync();
        var rows = 0;
        while (await reader.ReadAsync())
        {
            rows++;
        }

        return rows;
    }
}
