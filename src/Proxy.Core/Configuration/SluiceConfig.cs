namespace Sluice.Core.Configuration;

/// <summary>
/// The whole gateway configuration, as loaded and validated from one YAML file.
/// Every path in it is absolute by the time the loader returns it.
/// </summary>
public sealed class SluiceConfig
{
    /// <summary>The file the configuration was read from, for messages.</summary>
    public required string SourcePath { get; init; }

    /// <summary>Holds recordings, generated keys and certificates, and embedded state.</summary>
    public required string DataDirectory { get; init; }

    public required IReadOnlyList<ListenerConfig> Listeners { get; init; }

    public required IReadOnlyList<ConnectionConfig> Connections { get; init; }

    public required IdentityConfig Identity { get; init; }

    public required IReadOnlyList<AccessRule> Access { get; init; }

    public RecordingConfig Recording { get; init; } = new();

    public AuditConfig Audit { get; init; } = new();

    public LimitsConfig Limits { get; init; } = new();

    public MaskingConfig Masking { get; init; } = new();

    public PolicyConfig Policy { get; init; } = new();

    /// <summary>The admin HTTP API; <see cref="AdminConfig.Listen"/> is null when none is configured.</summary>
    public AdminConfig Admin { get; init; } = new();

    public ApprovalsConfig Approvals { get; init; } = new();

    public ConnectionConfig? FindConnection(string name)
    {
        foreach (var connection in Connections)
        {
            if (string.Equals(connection.Name, name, StringComparison.Ordinal))
            {
                return connection;
            }
        }

        return null;
    }
}

/// <summary>The wire protocols Sluice terminates.</summary>
public enum ProtocolKind
{
    Postgres,
    MySql,
    Tds,
    Ssh,
}

/// <summary>A socket Sluice listens on, and the connections a client may reach through it.</summary>
public sealed class ListenerConfig
{
    public required string Name { get; init; }

    public required ProtocolKind Protocol { get; init; }

    /// <summary>Address and port, such as 127.0.0.1:6432.</summary>
    public required System.Net.IPEndPoint Listen { get; init; }

    /// <summary>
    /// Connections served here. With several, the client picks one by name (for PostgreSQL,
    /// the startup database name).
    /// </summary>
    public required IReadOnlyList<string> Connections { get; init; }

    public ListenerTlsConfig Tls { get; init; } = new();

    /// <summary>
    /// Accept a token over an unencrypted socket. Only for loopback development; the loader
    /// refuses it on a non-loopback address.
    /// </summary>
    public bool AllowPlaintextAuthentication { get; init; }
}

/// <summary>
/// The listener's certificate. With neither path set, a self-signed certificate is generated
/// into the data directory on first start.
/// </summary>
public sealed class ListenerTlsConfig
{
    public string? CertificatePath { get; init; }

    public string? KeyPath { get; init; }
}

/// <summary>A target behind the gateway and the credential Sluice uses to reach it.</summary>
public sealed class ConnectionConfig
{
    public required string Name { get; init; }

    public required ProtocolKind Protocol { get; init; }

    public required UpstreamConfig Upstream { get; init; }

    /// <summary>PostgreSQL replication streams bypass every inspection; refused unless set.</summary>
    public bool AllowReplication { get; init; }
}

public sealed class UpstreamConfig
{
    public required string Host { get; init; }

    public required int Port { get; init; }

    /// <summary>Database on the upstream server (PostgreSQL, MySQL, TDS).</summary>
    public string? Database { get; init; }

    public required string User { get; init; }

    public Secret? Password { get; init; }

    public UpstreamTlsMode Tls { get; init; } = UpstreamTlsMode.Disable;

    /// <summary>PEM bundle of trusted roots for <see cref="UpstreamTlsMode.VerifyFull"/>; system roots when null.</summary>
    public string? CaFile { get; init; }

    /// <summary>
    /// Longest time for reaching the upstream and logging in to it (TCP connect, TLS and authentication
    /// together), like libpq's <c>connect_timeout</c>.
    /// </summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(10);
}

public enum UpstreamTlsMode
{
    /// <summary>Plain TCP to the upstream.</summary>
    Disable,

    /// <summary>Encrypt; accept any certificate (protects against passive observers only).</summary>
    Require,

    /// <summary>Encrypt, check the chain and that the certificate names the host.</summary>
    VerifyFull,
}

public sealed class IdentityConfig
{
    public IReadOnlyList<OidcIssuerConfig> Issuers { get; init; } = [];

    public IReadOnlyList<ApiKeyConfig> ApiKeys { get; init; } = [];

    /// <summary>Trust tokens minted by <c>sluice token</c> with the local development key.</summary>
    public bool DevIssuer { get; init; }

    /// <summary>Tolerated clock difference for exp and nbf.</summary>
    public TimeSpan ClockSkew { get; init; } = TimeSpan.FromSeconds(30);
}

public sealed class OidcIssuerConfig
{
    public required string Issuer { get; init; }

    public required IReadOnlyList<string> Audiences { get; init; }

    /// <summary>Exactly one of <see cref="JwksUrl"/> and <see cref="JwksFile"/> is set.</summary>
    public Uri? JwksUrl { get; init; }

    public string? JwksFile { get; init; }

    public string GroupsClaim { get; init; } = "groups";

    public string SubjectClaim { get; init; } = "sub";

    /// <summary>How long a fetched JWKS is trusted before it is fetched again.</summary>
    public TimeSpan JwksRefresh { get; init; } = TimeSpan.FromMinutes(10);
}

/// <summary>A static API key, known only by its hash.</summary>
public sealed class ApiKeyConfig
{
    /// <summary>The identity the key stands for.</summary>
    public required string Identity { get; init; }

    /// <summary>SHA-256 of the key, 32 bytes.</summary>
    public required byte[] Sha256 { get; init; }

    public IReadOnlyList<string> Groups { get; init; } = [];
}

/// <summary>Who may use which connections. A principal matches by identity or by any group.</summary>
public sealed class AccessRule
{
    public IReadOnlyList<string> Identities { get; init; } = [];

    public IReadOnlyList<string> Groups { get; init; } = [];

    public required IReadOnlyList<string> Connections { get; init; }
}

public sealed class RecordingConfig
{
    /// <summary>Bytes of result rows kept per statement; counts continue past it.</summary>
    public long RowBytesPerStatement { get; init; } = 1024 * 1024;

    /// <summary>Bind parameter values are recorded only when set.</summary>
    public bool BindParameters { get; init; }

    public TimeSpan FlushInterval { get; init; } = TimeSpan.FromSeconds(1);

    public int ZstdLevel { get; init; } = 3;

    /// <summary>What happens to a session whose recording cannot be created or written.</summary>
    public RecordingFailurePolicy OnFailure { get; init; } = RecordingFailurePolicy.Refuse;
}

/// <summary>What the gateway does when a session's recording cannot be created or written (disk full, read-only).</summary>
public enum RecordingFailurePolicy
{
    /// <summary>Fail closed: a new session is refused and a running one is ended, so nothing runs unrecorded.</summary>
    Refuse,

    /// <summary>The session carries on unrecorded; an audit event and a warning say so.</summary>
    Continue,
}

public sealed class AuditConfig
{
    /// <summary>JSON-lines audit file; "-" writes to standard output.</summary>
    public string Path { get; init; } = "audit.jsonl";
}

public sealed class LimitsConfig
{
    /// <summary>Largest protocol message accepted in either direction.</summary>
    public int MaxMessageBytes { get; init; } = 16 * 1024 * 1024;

    /// <summary>Time a client has to finish TLS, startup and authentication.</summary>
    public TimeSpan StartupTimeout { get; init; } = TimeSpan.FromSeconds(15);
}
