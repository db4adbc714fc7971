using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Npgsql;

namespace Sluice.IntegrationTests.Infrastructure;

/// <summary>
/// A throwaway PostgreSQL 15 cluster in its own temporary directory, listening on a free port on 127.0.0.1 only,
/// with TLS on and a unix socket the superuser uses for setup. Dispose it to stop the server and delete the files.
/// </summary>
/// <remarks>
/// Durability is switched off (fsync, synchronous_commit, full_page_writes) because nothing here outlives the
/// test run. If the test host dies without disposing, a process-exit hook and, for a hard kill, a detached
/// watchdog shell stop the server and remove its directory.
/// </remarks>
public sealed partial class PostgresServer : IAsyncDisposable
{
    /// <summary>The superuser created by initdb, reachable without a password over the unix socket only.</summary>
    public const string SuperUser = "postgres";

    private static readonly ConcurrentDictionary<PostgresServer, bool> LiveServers = new();

    private readonly PostgresServerOptions _options;
    private Process? _watchdog;
    private int _disposed;

    static PostgresServer()
    {
        AppDomain.CurrentDomain.ProcessExit += (_, _) => StopAllOnExit();
    }

    private PostgresServer(string rootDirectory, PostgresServerOptions options)
    {
        _options = options;
        RootDirectory = rootDirectory;
        DataDirectory = Path.Combine(rootDirectory, "data");
        SocketDirectory = Path.Combine(rootDirectory, "sock");
        LogFile = Path.Combine(rootDirectory, "server.log");
        CertificatePath = Path.Combine(rootDirectory, "tls", "server.crt");
        KeyPath = Path.Combine(rootDirectory, "tls", "server.key");
    }

    /// <summary>TCP port the server listens on, on 127.0.0.1.</summary>
    public int Port { get; private set; }

    /// <summary>The only address the server listens on.</summary>
    [SuppressMessage("Performance", "CA1822", Justification = "Instance member so callers read it off the server.")]
    public string Host => "127.0.0.1";

    /// <summary>The temporary directory holding everything below; deleted on dispose.</summary>
    public string RootDirectory { get; }

    /// <summary>The cluster's data directory (PGDATA).</summary>
    public string DataDirectory { get; }

    /// <summary>Directory of the server's unix socket, inside <see cref="RootDirectory"/>.</summary>
    public string SocketDirectory { get; }

    /// <summary>The server log (pg_ctl -l); its tail is quoted in start failures.</summary>
    public string LogFile { get; }

    /// <summary>
    /// PEM server certificate (self-signed, SAN 127.0.0.1 and localhost); a client can trust it as the root for
    /// SslMode=VerifyFull.
    /// </summary>
    public string CertificatePath { get; }

    /// <summary>PEM private key of <see cref="CertificatePath"/>, mode 0600, owned by the server's user.</summary>
    public string KeyPath { get; }

    /// <summary>Process id of the postmaster.</summary>
    public int ProcessId { get; private set; }

    /// <summary>Authentication method of the 127.0.0.1 line in pg_hba.conf.</summary>
    public PostgresAuthMethod HostAuthMethod => _options.HostAuthMethod;

    /// <summary>Creates, configures and starts a new cluster; returns once it accepts connections on TCP.</summary>
    public static async Task<PostgresServer> StartAsync(
        PostgresServerOptions? options = null, CancellationToken ct = default)
    {
        var server = new PostgresServer(CreateRootDirectory(), options ?? new PostgresServerOptions());

        // Registered before anything runs, so a half-started cluster is still cleaned up at process exit.
        LiveServers.TryAdd(server, true);
        try
        {
            await server.InitializeClusterAsync(ct);
            await server.StartOnFreePortAsync(ct);
            server.StartWatchdog();
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Runs SQL as the superuser over the unix socket with psql (ON_ERROR_STOP, unaligned, tuples only) and returns
    /// its standard output; throws <see cref="InvalidOperationException"/> carrying psql's standard error on failure.
    /// </summary>
    public async Task<string> ExecuteSqlAsync(string sql, string database = "postgres", CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(sql);
        string[] arguments =
        [
            "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1",
            "-h", SocketDirectory, "-p", Port.ToString(CultureInfo.InvariantCulture),
            "-U", SuperUser, "-d", database, "-f", "-",
        ];

        ProcessResult result = await ProcessRunner.RunAsync(Binary("psql"), arguments, true, sql, ct: ct);
        if (!result.Succeeded)
        {
            throw new InvalidOperationException(
                $"psql failed with exit code {result.ExitCode} on database '{database}': " +
                result.StandardError.Trim());
        }

        return result.StandardOutput;
    }

    /// <summary>
    /// Creates a login role. <paramref name="method"/> (<c>scram-sha-256</c> or <c>md5</c>) decides how the password
    /// is stored, which must match the pg_hba.conf method for the login to use that exchange.
    /// </summary>
    public Task CreateRoleAsync(string name, string password, bool superuser = false, string method = "scram-sha-256")
    {
        ArgumentNullException.ThrowIfNull(password);
        if (method is not ("scram-sha-256" or "md5"))
        {
            throw new ArgumentException($"Unknown password method '{method}'.", nameof(method));
        }

        string sql =
            $"SET password_encryption = {QuoteLiteral(method)};\n" +
            $"CREATE ROLE {QuoteIdentifier(name)} LOGIN{(superuser ? " SUPERUSER" : "")} " +
            $"PASSWORD {QuoteLiteral(password)};\n";
        return ExecuteSqlAsync(sql);
    }

    /// <summary>Creates a database owned by <paramref name="owner"/>.</summary>
    public Task CreateDatabaseAsync(string name, string owner) =>
        ExecuteSqlAsync($"CREATE DATABASE {QuoteIdentifier(name)} OWNER {QuoteIdentifier(owner)};\n");

    /// <summary>An Npgsql connection string for 127.0.0.1:<see cref="Port"/>.</summary>
    public string ConnectionString(string user, string password, string database)
    {
        var builder = new NpgsqlConnectionStringBuilder
        {
            Host = Host,
            Port = Port,
            Username = user,
            Password = password,
            Database = database,
        };
        return builder.ConnectionString;
    }

    /// <summary>Stops the server immediately (pg_ctl stop -m immediate) and deletes its directory.</summary>
    public ValueTask DisposeAsync() => new(Task.Run(StopAndDelete));

    /// <summary>Quotes an SQL identifier by doubling embedded double quotes.</summary>
    public static string QuoteIdentifier(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        return "\"" + name.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
    }

    /// <summary>Quotes an SQL string literal (standard_conforming_strings is on, so only quotes are doubled).</summary>
    public static string QuoteLiteral(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return "'" + value.Replace("'", "''", StringComparison.Ordinal) + "'";
    }

    private static string CreateRootDirectory()
    {
        if (!OperatingSystem.IsLinux())
        {
            throw new PlatformNotSupportedException("The PostgreSQL test server needs Linux (Debian's packages).");
        }

        // As root, the postgres user must be able to reach the directory, and TMPDIR may point somewhere private.
        string parent = ProcessRunner.RunAsPostgresUser ? "/tmp" : Path.GetTempPath();
        string name = "sluice-pg-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6));
        string path = Path.Combine(parent, name);
        Directory.CreateDirectory(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return path;
    }

    private string Binary(string name) => Path.Combine(_options.BinDirectory, name);

    private async Task InitializeClusterAsync(CancellationToken ct)
    {
        Directory.CreateDirectory(SocketDirectory);
        Directory.CreateDirectory(Path.GetDirectoryName(CertificatePath)!);
        SelfSignedCertificate.WritePemFiles(CertificatePath, KeyPath);

        if (ProcessRunner.RunAsPostgresUser)
        {
            await RunCheckedAsync("chown", ["-R", "postgres:postgres", RootDirectory], false, ct);
        }

        await RunCheckedAsync(
            Binary("initdb"),
            ["-D", DataDirectory, "-U", SuperUser, "-A", "trust", "-E", "UTF8", "--locale=C", "--no-sync",
                "--no-instructions"],
            true,
            ct);

        // Appending and truncating keep the files' owner (postgres), so no second chown is needed.
        await File.AppendAllTextAsync(Path.Combine(DataDirectory, "postgresql.conf"), BuildSettings(), ct);
        await File.WriteAllTextAsync(Path.Combine(DataDirectory, "pg_hba.conf"), BuildHba(), ct);
    }

    private string BuildSettings()
    {
        var settings = new StringBuilder();
        settings.Append("\n# Throwaway test cluster: loopback only, no durability, TLS on.\n");
        settings.Append("listen_addresses = '127.0.0.1'\n");
        settings.Append(CultureInfo.InvariantCulture, $"unix_socket_directories = {QuoteLiteral(SocketDirectory)}\n");
        settings.Append("fsync = off\nsynchronous_commit = off\nfull_page_writes = off\n");
        settings.Append("password_encryption = 'scram-sha-256'\n");
        settings.Append("ssl = on\n");
        settings.Append(CultureInfo.InvariantCulture, $"ssl_cert_file = {QuoteLiteral(CertificatePath)}\n");
        settings.Append(CultureInfo.InvariantCulture, $"ssl_key_file = {QuoteLiteral(KeyPath)}\n");
        foreach ((string name, string value) in _options.ExtraSettings)
        {
            settings.Append(CultureInfo.InvariantCulture, $"{name} = {value}\n");
        }

        return settings.ToString();
    }

    private string BuildHba()
    {
        string method = _options.HostAuthMethod switch
        {
            PostgresAuthMethod.ScramSha256 => "scram-sha-256",
            PostgresAuthMethod.Md5 => "md5",
            PostgresAuthMethod.Trust => "trust",
            _ => throw new ArgumentOutOfRangeException(nameof(_options), _options.HostAuthMethod, "Unknown method."),
        };

        return "# TYPE  DATABASE  USER      ADDRESS        METHOD\n" +
            $"local   all       {SuperUser}                  trust\n" +
            $"host    all       all       127.0.0.1/32   {method}\n";
    }

    private static async Task RunCheckedAsync(string file, string[] arguments, bool asPostgres, CancellationToken ct)
    {
        ProcessResult result = await ProcessRunner.RunAsync(file, arguments, asPostgres, null, ct: ct);
        if (!result.Succeeded)
        {
            throw new InvalidOperationException(
                $"{Path.GetFileName(file)} failed with exit code {result.ExitCode}: " +
                $"{result.StandardError.Trim()} {result.StandardOutput.Trim()}");
        }
    }
}
