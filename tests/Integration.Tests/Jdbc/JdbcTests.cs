using Sluice.IntegrationTests.Infrastructure;
using Sluice.IntegrationTests.Postgres;

namespace Sluice.IntegrationTests.Jdbc;

/// <summary>
/// JDBC (Debian's PostgreSQL driver) through the gateway: its fetch-size cursors use portal suspension and its
/// server-prepared statements switch to binary results; both must come back masked and parse in the driver.
/// </summary>
[Collection("postgres")]
public sealed class JdbcTests(PostgresFixture postgres)
{
    private const string Driver = "/usr/share/java/postgresql.jar";

    [Fact]
    public async Task JdbcClient_ReadsMaskedResults_ThroughFetchSizeCursorsAndPreparedStatements()
    {
        Assert.True(File.Exists(Driver), $"{Driver} is missing: scripts/install-deps.sh installs libpostgresql-jdbc-java");
        await using var gateway = await GatewayHarness.StartAsync(postgres, new HarnessOptions { MaskingYaml = MaskingRules.Yaml });
        var probe = Path.Combine(AppContext.BaseDirectory, "Jdbc", "JdbcProbe.java");
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var result = await ProcessRunner.RunAsync(
            "java",
            ["-cp", Driver, probe, $"jdbc:postgresql://127.0.0.1:{gateway.Port}/demo", gateway.MintDevToken("jdbc", "demo")],
            asPostgres: false,
            ct: timeout.Token);

        Assert.True(result.ExitCode == 0, result.StandardError);
        var values = result.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Split('='))
            .ToDictionary(parts => parts[0], parts => parts[1]);
        Assert.Equal("10000", values["fetched_rows"]);
        Assert.Equal("10000", values["masked_ssn"]);
        Assert.Equal("10000", values["kept_domain"]);
        Assert.Equal("10", values["prepared_masked"]);
    }
}
