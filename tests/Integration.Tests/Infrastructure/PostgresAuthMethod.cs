namespace Sluice.IntegrationTests.Infrastructure;

/// <summary>
/// How the test cluster's <c>host all all 127.0.0.1/32</c> line in pg_hba.conf authenticates clients.
/// </summary>
public enum PostgresAuthMethod
{
    /// <summary>SCRAM-SHA-256; roles must have SCRAM-stored passwords.</summary>
    ScramSha256,

    /// <summary>
    /// MD5; create roles with the <c>md5</c> method, or the server silently runs SCRAM for them instead.
    /// </summary>
    Md5,

    /// <summary>No password at all.</summary>
    Trust,
}
