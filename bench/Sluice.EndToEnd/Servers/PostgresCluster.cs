using System.Globalization;
using Sluice.EndToEnd.Client;

namespace Sluice.EndToEnd.Servers;

/// <summary>
/// A throwaway PostgreSQL 15 cluster from Debian's packages (started with scripts/lib-postgres.sh, as the quick start
/// does), tuned so the table being exported sits in memory, with a role "bench", a database "bench", the generated
/// <c>people</c> table and pgbench's tables.
/// </summary>
internal sealed class PostgresCluster : IDisposable
{
    public const string Role = "bench";
    public const string Database = "bench";

    private readonly string _library;

    private PostgresCluster(string library, string directory, int port, string password)
    {
        _library = library;
        Directory = directory;
        Port = port;
        Password = password;
    }

    public string Directory { get; }

    public int Port { get; }

    public string Password { get; }

    public Endpoint Endpoint => new(Port, Role, Password, Database);

    public static PostgresCluster Start(string repository, string directory, int maxConnections)
    {
        var library = Path.Combine(repository, "scripts", "lib-postgres.sh");
        var password = Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16));
        var cluster = new PostgresCluster(library, directory, Shell.FreePort(), password);
        cluster.Lib("pg_start", directory, cluster.Port.ToString(CultureInfo.InvariantCulture));
        // Room for a thousand idle sessions through each proxy, the table in shared buffers, and no durability
        // costs: the harness measures the paths to the server, not its disks.
        cluster.Sql("postgres",
            $"ALTER SYSTEM SET max_connections = {maxConnections}",
            "ALTER SYSTEM SET shared_buffers = '1GB'",
            "ALTER SYSTEM SET fsync = off",
            "ALTER SYSTEM SET synchronous_commit = off",
            "ALTER SYSTEM SET full_page_writes = off",
            "ALTER SYSTEM SET max_wal_size = '4GB'",
            "ALTER SYSTEM SET log_min_messages = warning");
        cluster.Lib("pg_stop", directory);
        cluster.Lib("pg_start", directory, cluster.Port.ToString(CultureInfo.InvariantCulture));
        cluster.Sql("postgres",
            "SET password_encryption = 'scram-sha-256'",
            $"CREATE ROLE {Role} LOGIN PASSWORD '{password}'",
            $"CREATE DATABASE {Database} OWNER {Role}");
        return cluster;
    }

    /// <summary>
    /// Generates <paramref name="rows"/> rows of people with personal data (about 240 bytes each as text), an empty
    /// table of the same shape to import into, and pgbench's tables at <paramref name="pgbenchScale"/>.
    /// </summary>
    public void Load(long rows, int pgbenchScale)
    {
        Sql(Database, PeopleTableSql(rows), $"ALTER TABLE people OWNER TO {Role}",
            $"CREATE TABLE people_import (LIKE people)", $"ALTER TABLE people_import OWNER TO {Role}",
            "VACUUM ANALYZE people");
        Shell.Run("pgbench",
            ["-i", "-q", "-s", pgbenchScale.ToString(CultureInfo.InvariantCulture), "-h", "127.0.0.1",
                "-p", Port.ToString(CultureInfo.InvariantCulture), "-U", Role, Database],
            new Dictionary<string, string> { ["PGPASSWORD"] = Password });
    }

    /// <summary>Runs SQL as the superuser over the cluster's unix socket.</summary>
    public string Sql(string database, params string[] statements) =>
        Lib("pg_psql", [Directory, Port.ToString(CultureInfo.InvariantCulture), database, .. statements]);

    /// <summary>How many server processes serve <see cref="Role"/> right now.</summary>
    public int BackendCount() => int.Parse(
        Shell.Run("/usr/lib/postgresql/15/bin/psql",
        [
            "-X", "-At", "-h", Directory, "-p", Port.ToString(CultureInfo.InvariantCulture), "-U", "postgres", "-d", "postgres",
            "-c", $"SELECT count(*) FROM pg_stat_activity WHERE usename = '{Role}'",
        ]).Trim(),
        CultureInfo.InvariantCulture);

    public void Dispose() => Lib("pg_stop", Directory);

    private string Lib(string function, params string[] arguments) => Shell.Run(
        "bash", ["-c", $"set -euo pipefail; source \"$0\"; {function} \"$@\"", _library, .. arguments]);

    private static string PeopleTableSql(long rows) => $"""
        CREATE TABLE people (
            id bigint PRIMARY KEY,
            full_name text NOT NULL,
            email text NOT NULL,
            phone text NOT NULL,
            ssn text NOT NULL,
            birth_date date NOT NULL,
            street text NOT NULL,
            city text NOT NULL,
            postcode text NOT NULL,
            country text NOT NULL,
            card_number text NOT NULL,
            balance numeric(12, 2) NOT NULL,
            created_at timestamptz NOT NULL,
            notes text NOT NULL);
        INSERT INTO people
        SELECT g,
            (ARRAY['Ada', 'Grace', 'Alan', 'Edsger', 'Barbara', 'Donald', 'Frances', 'Ken', 'Margaret', 'Niklaus'])[1 + g % 10]
                || ' ' || (ARRAY['Lovelace', 'Hopper', 'Turing', 'Dijkstra', 'Liskov', 'Knuth', 'Allen', 'Thompson',
                'Hamilton', 'Wirth'])[1 + (g / 10) % 10],
            'user' || g || '@' || (ARRAY['example.com', 'mail.example.org', 'corp.example.net'])[1 + g % 3],
            '+1-555-' || lpad((g % 10000000)::text, 7, '0'),
            lpad((g % 1000)::text, 3, '0') || '-' || lpad((g % 100)::text, 2, '0') || '-' || lpad((g % 10000)::text, 4, '0'),
            date '1950-01-01' + (g % 20000)::int,
            (g % 9999 + 1) || ' ' || (ARRAY['Main Street', 'Oak Avenue', 'Station Road', 'High Street'])[1 + g % 4],
            (ARRAY['Springfield', 'Riverton', 'Lakeside', 'Hillcrest', 'Fairview'])[1 + g % 5],
            lpad((g % 99999)::text, 5, '0'),
            (ARRAY['US', 'GB', 'DE', 'FR', 'NL'])[1 + g % 5],
            '4000' || lpad((g * 7919 % 1000000000000)::text, 12, '0'),
            (g % 1000000) / 100.0,
            timestamptz '2020-01-01 00:00:00+00' + g * interval '37 seconds',
            md5(g::text) || ' ' || md5((g + 1)::text)
        FROM generate_series(1::bigint, {rows}) AS g
        """;
}
