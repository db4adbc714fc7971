using System.Buffers;
using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Text;
using Sluice.Core.Configuration;

namespace Sluice.Protocols.Postgres;

/// <summary>
/// The gateway's own view of an upstream's catalog: what a table OID in a RowDescription is called, what its
/// columns are called, which views depend on which tables, and which names are user-defined functions. Looked up
/// over a side connection with the connection's credential, cached for all sessions of the connection, and
/// dropped when it can be stale: after a time, and whenever a session sees DDL complete.
/// </summary>
internal sealed class PgCatalog : IAsyncDisposable
{
    // DDL run through the gateway invalidates at once; DDL run elsewhere is seen within this time.
    private static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(30);

    // Clients choose the words looked up (any word of their SQL, strings included), so the cache of answers is
    // bounded: past this many, it starts again rather than grow with whatever a client sends.
    internal const int MaxCachedNames = 50_000;

    private const string RelationsQuery = """
        SELECT c.oid::text, n.nspname, c.relname, c.relkind::text, a.attnum::text, a.attname, a.atttypid::text
        FROM pg_catalog.pg_class c
        JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
        LEFT JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
        WHERE c.oid = ANY ($1::pg_catalog.oid[])
        """;

    // Every table a view or materialised view reads, through views of views.
    private const string ViewBasesQuery = """
        WITH RECURSIVE bases(view_oid, oid) AS (
            SELECT r.ev_class, d.refobjid
            FROM pg_catalog.pg_rewrite r
            JOIN pg_catalog.pg_depend d ON d.classid = 'pg_catalog.pg_rewrite'::pg_catalog.regclass
                AND d.objid = r.oid AND d.refclassid = 'pg_catalog.pg_class'::pg_catalog.regclass
            WHERE r.ev_class = ANY ($1::pg_catalog.oid[]) AND d.refobjid <> r.ev_class
          UNION
            SELECT b.view_oid, d.refobjid
            FROM bases b
            JOIN pg_catalog.pg_rewrite r ON r.ev_class = b.oid
            JOIN pg_catalog.pg_depend d ON d.classid = 'pg_catalog.pg_rewrite'::pg_catalog.regclass
                AND d.objid = r.oid AND d.refclassid = 'pg_catalog.pg_class'::pg_catalog.regclass
            WHERE d.refobjid <> r.ev_class
        )
        SELECT b.view_oid::text, n.nspname, c.relname
        FROM bases b
        JOIN pg_catalog.pg_class c ON c.oid = b.oid
        JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
        WHERE c.relkind IN ('r', 'p', 'f')
        """;

    private const string NamesQuery = """
        SELECT 'relation', c.oid::text, c.relname FROM pg_catalog.pg_class c
        WHERE c.relname = ANY ($1::pg_catalog.name[]) AND c.relkind IN ('v', 'm')
        UNION ALL
        SELECT 'function', p.oid::text, p.proname FROM pg_catalog.pg_proc p
        JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace
        WHERE p.proname = ANY ($1::pg_catalog.name[]) AND n.nspname NOT IN ('pg_catalog', 'information_schema')
        """;

    private readonly ConnectionConfig _connection;
    private readonly int _maxMessageBytes;
    private readonly TimeProvider _time;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly ConcurrentDictionary<uint, PgRelation> _relations = new();
    private readonly ConcurrentDictionary<string, PgNameKind> _names = new(StringComparer.Ordinal);
    private PgUpstreamConnection? _side;
    private long _generation;
    private DateTimeOffset _expires;

    public PgCatalog(ConnectionConfig connection, int maxMessageBytes, TimeProvider time)
    {
        _connection = connection;
        _maxMessageBytes = maxMessageBytes;
        _time = time;
        _expires = time.GetUtcNow() + Lifetime;
    }

    /// <summary>Adds known entries without a lookup (benchmarks and tests have no side connection).</summary>
    internal void Seed(PgRelation relation, IEnumerable<string> otherNames)
    {
        _relations[relation.Oid] = relation;
        foreach (var name in otherNames)
        {
            _names[name] = PgNameKind.Other;
        }
    }

    /// <summary>Forgets everything: DDL may have renamed, dropped or redefined what was cached.</summary>
    public void Invalidate()
    {
        Interlocked.Increment(ref _generation);
        _relations.Clear();
        _names.Clear();
    }

    public bool TryGetRelation(uint oid, out PgRelation relation)
    {
        ExpireIfDue();
        return _relations.TryGetValue(oid, out relation!);
    }

    /// <summary>What the catalog says a name is, once <see cref="ResolveNamesAsync"/> has looked it up.</summary>
    public PgNameKind KindOf(string name) => _names.TryGetValue(name, out var kind) ? kind : PgNameKind.Unknown;

    public bool HasName(string name)
    {
        ExpireIfDue();
        return _names.ContainsKey(name);
    }

    public async Task ResolveRelationsAsync(IReadOnlyCollection<uint> oids, CancellationToken cancellationToken)
    {
        var missing = oids.Where(o => !_relations.ContainsKey(o)).Distinct().ToArray();
        if (missing.Length == 0)
        {
            return;
        }

        var array = "{" + string.Join(',', missing) + "}";
        var rows = await QueryAsync(RelationsQuery, array, cancellationToken);
        var builders = new Dictionary<uint, (string Schema, string Name, char Kind, Dictionary<short, string> Columns,
            Dictionary<short, uint> Types)>();
        foreach (var row in rows)
        {
            var oid = uint.Parse(row[0]!, System.Globalization.CultureInfo.InvariantCulture);
            if (!builders.TryGetValue(oid, out var entry))
            {
                entry = (row[1]!, row[2]!, row[3]![0], new Dictionary<short, string>(), new Dictionary<short, uint>());
                builders[oid] = entry;
            }

            if (row[4] is { } attnum)
            {
                var number = short.Parse(attnum, System.Globalization.CultureInfo.InvariantCulture);
                entry.Columns[number] = row[5]!;
                entry.Types[number] = uint.Parse(row[6]!, System.Globalization.CultureInfo.InvariantCulture);
            }
        }

        var views = builders.Where(b => b.Value.Kind is 'v' or 'm').Select(b => b.Key).ToArray();
        var bases = new Dictionary<uint, List<(string Schema, string Table)>>();
        if (views.Length > 0)
        {
            foreach (var row in await QueryAsync(ViewBasesQuery, "{" + string.Join(',', views) + "}", cancellationToken))
            {
                var view = uint.Parse(row[0]!, System.Globalization.CultureInfo.InvariantCulture);
                if (!bases.TryGetValue(view, out var list))
                {
                    bases[view] = list = [];
                }

                list.Add((row[1]!, row[2]!));
            }
        }

        foreach (var oid in missing)
        {
            // A relation the catalog does not know (dropped meanwhile) is remembered as unknown: its columns are
            // then treated as derived, which masks them when the statement reads a protected table.
            _relations[oid] = builders.TryGetValue(oid, out var b)
                ? new PgRelation(oid, b.Schema, b.Name, b.Kind, b.Columns, b.Types,
                    bases.TryGetValue(oid, out var list) ? list : [])
                : new PgRelation(oid, "", "", '?', new Dictionary<short, string>(), new Dictionary<short, uint>(), []);
        }
    }

    /// <summary>Looks up which of the names are views (or materialised views) or user-defined functions.</summary>
    public async Task ResolveNamesAsync(IReadOnlyCollection<string> names, CancellationToken cancellationToken)
    {
        ExpireIfDue();
        var missing = names.Where(n => !_names.ContainsKey(n) && n.Length <= 63).Distinct().ToArray();
        if (missing.Length == 0)
        {
            return;
        }

        var rows = await QueryAsync(NamesQuery, ArrayLiteral(missing), cancellationToken);
        var found = new Dictionary<string, PgNameKind>(StringComparer.Ordinal);
        var views = new List<uint>();
        foreach (var row in rows)
        {
            var kind = row[0] == "function" ? PgNameKind.UserFunction : PgNameKind.View;
            found[row[2]!] = found.TryGetValue(row[2]!, out var existing) ? existing | kind : kind;
            if (kind == PgNameKind.View)
            {
                views.Add(uint.Parse(row[1]!, System.Globalization.CultureInfo.InvariantCulture));
            }
        }

        await ResolveRelationsAsync(views, cancellationToken);
        if (_names.Count + missing.Length > MaxCachedNames)
        {
            _names.Clear();
        }

        foreach (var name in missing)
        {
            _names[name] = found.TryGetValue(name, out var kind) ? kind : PgNameKind.Other;
        }
    }

    /// <summary>
    /// The relation a COPY names, as the side connection's search path finds it (the role's default path), or
    /// null when there is none. Loads its columns too.
    /// </summary>
    public async Task<PgRelation?> ResolveTableAsync(string? schema, string table, CancellationToken cancellationToken)
    {
        var name = schema is null ? QuoteIdentifier(table) : $"{QuoteIdentifier(schema)}.{QuoteIdentifier(table)}";
        var rows = await QueryAsync("SELECT pg_catalog.to_regclass($1)::pg_catalog.oid::text", name, cancellationToken);
        if (rows.Count != 1 || rows[0][0] is not { } text)
        {
            return null;
        }

        var oid = uint.Parse(text, System.Globalization.CultureInfo.InvariantCulture);
        await ResolveRelationsAsync([oid], cancellationToken);
        return _relations.TryGetValue(oid, out var relation) ? relation : null;
    }

    /// <summary>
    /// The columns a query would return, with their provenance, learnt by preparing (not running) it on the side
    /// connection: how a COPY (query) TO STDOUT is masked.
    /// </summary>
    public async Task<PgFieldDescription[]> DescribeAsync(string query, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            _side ??= await PgUpstreamConnection.OpenAsync(
                _connection, SideStartupParameters(), _maxMessageBytes, cancellationToken);
            var output = new ArrayBufferWriter<byte>(256);
            PgWriter.Parse(output, "", query, []);
            PgWriter.Describe(output, 'S', "");
            PgWriter.Sync(output);
            await _side.Stream.WriteAsync(output.WrittenMemory, cancellationToken);
            await _side.Stream.FlushAsync(cancellationToken);

            PgFieldDescription[]? fields = null;
            string? error = null;
            while (true)
            {
                var frame = await PgStreamFrames.ReadMessageAsync(_side.Stream, _maxMessageBytes, cancellationToken);
                switch ((PgBackendMessageType)frame[0])
                {
                    case PgBackendMessageType.RowDescription:
                        fields = new PgFieldDescription[PgMessages.RowDescriptionCount(frame)];
                        PgMessages.RowDescription(frame, fields);
                        break;
                    case PgBackendMessageType.NoData:
                        fields = [];
                        break;
                    case PgBackendMessageType.ErrorResponse:
                        var e = PgMessages.ErrorOrNotice(frame);
                        error = $"{e.Code} {e.Message}";
                        break;
                    case PgBackendMessageType.ReadyForQuery:
                        return error is null && fields is not null
                            ? fields
                            : throw new PgCatalogException($"cannot describe the query of a COPY: {error ?? "no description"}");
                }
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    private static string QuoteIdentifier(string name) => "\"" + name.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    /// <summary>The base tables of every view among <paramref name="names"/> (already resolved).</summary>
    public IEnumerable<(string Schema, string Table)> BaseTablesOfViewsNamed(IEnumerable<string> names)
    {
        var wanted = names.Where(n => (KindOf(n) & PgNameKind.View) != 0).ToHashSet(StringComparer.Ordinal);
        if (wanted.Count == 0)
        {
            yield break;
        }

        foreach (var relation in _relations.Values)
        {
            if (relation.IsView && wanted.Contains(relation.Name))
            {
                foreach (var table in relation.BaseTables)
                {
                    yield return table;
                }
            }
        }
    }

    private void ExpireIfDue()
    {
        var now = _time.GetUtcNow();
        if (now >= _expires)
        {
            _expires = now + Lifetime;
            Invalidate();
        }
    }

    /// <summary>A PostgreSQL array literal of names: each element double-quoted with \ and " escaped.</summary>
    private static string ArrayLiteral(IEnumerable<string> names)
    {
        var text = new StringBuilder("{");
        foreach (var name in names)
        {
            if (text.Length > 1)
            {
                text.Append(',');
            }

            text.Append('"').Append(name.Replace("\\", "\\\\", StringComparison.Ordinal)
                .Replace("\"", "\\\"", StringComparison.Ordinal)).Append('"');
        }

        return text.Append('}').ToString();
    }

    /// <summary>
    /// Runs one catalog query with one text parameter over the side connection (extended protocol, so the
    /// parameter, which may hold names from a client's SQL, is never part of the query text).
    /// </summary>
    private async Task<List<string?[]>> QueryAsync(string sql, string parameter, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            for (var attempt = 0; ; attempt++)
            {
                try
                {
                    _side ??= await PgUpstreamConnection.OpenAsync(
                        _connection,
                        SideStartupParameters(),
                        _maxMessageBytes,
                        cancellationToken);
                    return await RunAsync(_side, sql, parameter, cancellationToken);
                }
                catch (Exception e) when (attempt == 0 && e is IOException or System.Net.Sockets.SocketException
                    or EndOfStreamException or ObjectDisposedException)
                {
                    // The side connection went stale (server restart, idle timeout): open a fresh one once.
                    if (_side is not null)
                    {
                        await _side.DisposeAsync();
                        _side = null;
                    }
                }
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    private List<KeyValuePair<string, string>> SideStartupParameters()
    {
        var parameters = new List<KeyValuePair<string, string>>
        {
            new("user", _connection.Upstream.User),
            new("application_name", "sluice catalog lookup"),
        };
        if (_connection.Upstream.Database is { } database)
        {
            parameters.Add(new("database", database));
        }

        return parameters;
    }

    private async Task<List<string?[]>> RunAsync(
        PgUpstreamConnection side, string sql, string parameter, CancellationToken cancellationToken)
    {
        var output = new ArrayBufferWriter<byte>(1024);
        var value = Encoding.UTF8.GetBytes(parameter);
        var cells = new byte[2 + 4 + value.Length];
        BinaryPrimitives.WriteUInt16BigEndian(cells, 1);
        BinaryPrimitives.WriteInt32BigEndian(cells.AsSpan(2), value.Length);
        value.CopyTo(cells, 6);
        PgWriter.Parse(output, "", sql, []);
        PgWriter.Bind(output, "", "", [], cells, []);
        PgWriter.Execute(output, "", 0);
        PgWriter.Sync(output);
        await side.Stream.WriteAsync(output.WrittenMemory, cancellationToken);
        await side.Stream.FlushAsync(cancellationToken);

        var rows = new List<string?[]>();
        string? error = null;
        while (true)
        {
            var frame = await PgStreamFrames.ReadMessageAsync(side.Stream, _maxMessageBytes, cancellationToken);
            switch ((PgBackendMessageType)frame[0])
            {
                case PgBackendMessageType.DataRow:
                    rows.Add(DecodeTextRow(PgMessages.DataRowCells(frame)));
                    break;
                case PgBackendMessageType.ErrorResponse:
                    var fields = PgMessages.ErrorOrNotice(frame);
                    error = $"{fields.Code} {fields.Message}";
                    break;
                case PgBackendMessageType.ReadyForQuery:
                    return error is null
                        ? rows
                        : throw new PgCatalogException($"catalog lookup on connection \"{_connection.Name}\" failed: {error}");
                default:
                    break;
            }
        }
    }

    private static string?[] DecodeTextRow(ReadOnlySpan<byte> cells)
    {
        var count = BinaryPrimitives.ReadUInt16BigEndian(cells);
        var values = new string?[count];
        var offset = 2;
        for (var i = 0; i < count; i++)
        {
            var length = BinaryPrimitives.ReadInt32BigEndian(cells[offset..]);
            offset += 4;
            if (length >= 0)
            {
                values[i] = Encoding.UTF8.GetString(cells.Slice(offset, length));
                offset += length;
            }
        }

        return values;
    }

    public async ValueTask DisposeAsync()
    {
        if (_side is not null)
        {
            await _side.DisposeAsync();
        }

        _gate.Dispose();
    }
}

/// <summary>A table, view or other relation as the catalog describes it.</summary>
internal sealed record PgRelation(
    uint Oid, string Schema, string Name, char Kind, IReadOnlyDictionary<short, string> Columns,
    IReadOnlyDictionary<short, uint> ColumnTypes, IReadOnlyList<(string Schema, string Table)> BaseTables)
{
    public bool IsView => Kind is 'v' or 'm';

    public bool IsKnown => Kind != '?';
}

/// <summary>What a name in a statement turned out to be.</summary>
[Flags]
internal enum PgNameKind
{
    Unknown = 0,
    Other = 1,
    View = 2,
    UserFunction = 4,
}

/// <summary>The catalog could not answer; a masking decision that needs it cannot be made.</summary>
internal sealed class PgCatalogException(string message) : Exception(message);
