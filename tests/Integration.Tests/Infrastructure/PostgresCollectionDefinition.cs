namespace Sluice.IntegrationTests.Infrastructure;

/// <summary>
/// Test classes marked <c>[Collection(PostgresCollectionDefinition.Name)]</c> share one
/// <see cref="PostgresFixture"/>, so one PostgreSQL server serves the whole run.
/// </summary>
[CollectionDefinition(Name)]
public sealed class PostgresCollectionDefinition : ICollectionFixture<PostgresFixture>
{
    /// <summary>The collection name, "postgres".</summary>
    public const string Name = "postgres";
}
