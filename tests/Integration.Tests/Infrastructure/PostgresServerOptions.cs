namespace Sluice.IntegrationTests.Infrastructure;

/// <summary>Knobs for a throwaway cluster started by <see cref="PostgresServer.StartAsync"/>.</summary>
public sealed class PostgresServerOptions
{
    /// <summary>Authentication method of the 127.0.0.1 line in pg_hba.conf. Defaults to SCRAM-SHA-256.</summary>
    public PostgresAuthMethod HostAuthMethod { get; init; } = PostgresAuthMethod.ScramSha256;

    /// <summary>Directory holding the PostgreSQL 15 binaries (Debian's layout by default).</summary>
    public string BinDirectory { get; init; } = "/usr/lib/postgresql/15/bin";

    /// <summary>How long one start attempt may take before it counts as failed.</summary>
    public TimeSpan StartTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How many free ports to try when the server cannot bind the one it was given.</summary>
    public int PortAttempts { get; init; } = 5;

    /// <summary>Extra <c>name = value</c> lines appended to postgresql.conf (values written verbatim).</summary>
    public IReadOnlyDictionary<string, string> ExtraSettings { get; init; } = new Dictionary<string, string>();
}
