using System.Security.Cryptography;

namespace Sluice.IntegrationTests.Infrastructure;

/// <summary>
/// One PostgreSQL server per test run with an upstream role (SCRAM, random password) that owns database
/// <c>demo</c>, whose <c>customers</c> table holds the 10,000 rows of <c>scripts/demo-data.sql</c>.
/// </summary>
public sealed class PostgresFixture : IAsyncLifetime
{
    /// <summary>The role the gateway logs in as upstream.</summary>
    public const string UpstreamUser = "sluice_upstream";

    /// <summary>The database holding the demo data.</summary>
    public const string DemoDatabase = "demo";

    private PostgresServer? _server;

    /// <summary>The running server; available once xunit has initialized the fixture.</summary>
    public PostgresServer Server => _server ?? throw new InvalidOperationException("The fixture is not started.");

    /// <summary>Password of <see cref="UpstreamUser"/>, fresh for every run.</summary>
    public string UpstreamPassword { get; } = RandomNumberGenerator.GetHexString(32, lowercase: true);

    /// <summary>Npgsql connection string: <see cref="UpstreamUser"/> to <see cref="DemoDatabase"/> over TCP.</summary>
    public string UpstreamConnectionString => Server.ConnectionString(UpstreamUser, UpstreamPassword, DemoDatabase);

    /// <inheritdoc />
    public async Task InitializeAsync()
    {
        _server = await PostgresServer.StartAsync();
        await _server.CreateRoleAsync(UpstreamUser, UpstreamPassword);
        await _server.CreateDatabaseAsync(DemoDatabase, UpstreamUser);

        // Loaded as the upstream role so it owns the table and can read it without extra grants.
        string script = await File.ReadAllTextAsync(RepositoryPaths.Find(Path.Combine("scripts", "demo-data.sql")));
        string sql = $"SET ROLE {PostgresServer.QuoteIdentifier(UpstreamUser)};\n{script}";
        await _server.ExecuteSqlAsync(sql, DemoDatabase);
    }

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}
