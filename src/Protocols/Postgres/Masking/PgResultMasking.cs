using System.Buffers;
using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Text;
using Sluice.Masking;

namespace Sluice.Protocols.Postgres;

/// <summary>
/// Masking for one PostgreSQL session. The frontend half reads each request (does it read a protected table?
/// which portal does an Execute run, with which result formats?) and queues what the backend owes; the backend
/// half matches each RowDescription and DataRow to its request, builds the column plan from provenance (table OID
/// and column number, resolved through <see cref="PgCatalog"/>, so aliases change nothing) and rewrites rows.
/// Anything it cannot decide ends in refusal, never in pass-through.
/// </summary>
internal sealed partial class PgResultMasking : IDisposable
{
    /// <summary>Built-in functions that run SQL given as text: their results are derived from anything.</summary>
    private static readonly string[] SqlRunningFunctions =
    [
        "query_to_xml", "query_to_xmlschema", "query_to_xml_and_xmlschema", "cursor_to_xml", "cursor_to_xmlschema",
        "table_to_xml", "table_to_xmlschema", "table_to_xml_and_xmlschema", "schema_to_xml", "database_to_xml",
        "dblink", "dblink_exec", "dblink_send_query", "dblink_get_result", "dblink_fetch",
    ];

    private readonly MaskingScope _scope;
    private readonly PgCatalog _catalog;
    private readonly ConcurrentQueue<PgExpectation> _expected = new();
    private readonly HashSet<string> _protectedNames;

    // Frontend side.
    private readonly Dictionary<string, bool> _statementReadsProtected = new(StringComparer.Ordinal);
    private readonly Dictionary<string, PgExpectation> _portals = new(StringComparer.Ordinal);
    private readonly Dictionary<string, bool> _cursorReadsProtected = new(StringComparer.Ordinal);
    private readonly Dictionary<string, PgCopyPlan?> _statementCopyPlans = new(StringComparer.Ordinal);
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, PgCopyPlan> _copyPlans =
        new(StringComparer.Ordinal);

    // Backend side.
    private readonly Dictionary<string, PgFieldDescription[]> _statementFields = new(StringComparer.Ordinal);
    private readonly Dictionary<string, PortalPlan> _portalPlans = new(StringComparer.Ordinal);
    private PortalPlan? _queryResult;
    private int _queryStatement;
    private byte[] _rowBuffer = ArrayPool<byte>.Shared.Rent(4096);
    private readonly ArrayBufferWriter<byte> _frontendBuffer = new(256);
    private PgCopyRowRewriter? _copyRewriter;
    private PgCopyFieldMasker? _copyMasker;

    public PgResultMasking(MaskingScope scope, PgCatalog catalog)
    {
        _scope = scope;
        _catalog = catalog;
        _protectedNames = new HashSet<string>(
            scope.ProtectedTables.Select(t => t.Table.ToLowerInvariant()), StringComparer.Ordinal);
    }

    /// <summary>Cells rewritten so far in this session.</summary>
    public long MaskedCells { get; private set; }

    /// <summary>A result whose rows pass through the plan (null: nothing in it needs masking).</summary>
    private sealed record PortalPlan(ResultMaskPlan? Plan, int ColumnCount);

    public void Dispose() => ArrayPool<byte>.Shared.Return(_rowBuffer);

    private void Expect(PgExpectation expectation) => _expected.Enqueue(expectation);

    /// <summary>
    /// Whether the SQL text may read a protected table. Returns a task instead when the catalog must be asked
    /// about names first; the caller waits for it and asks again.
    /// </summary>
    private bool ReadsProtected(ReadOnlySpan<byte> sqlUtf8, out Task? lookup)
    {
        lookup = null;
        if (_protectedNames.Count == 0)
        {
            return false;
        }

        var names = PgSqlNames.Collect(Encoding.UTF8.GetString(sqlUtf8));
        var unresolved = names.Where(n => !_catalog.HasName(n)).ToList();
        if (unresolved.Count > 0)
        {
            lookup = _catalog.ResolveNamesAsync(unresolved, CancellationToken.None);
            return false;
        }

        foreach (var name in names)
        {
            if (_protectedNames.Contains(name.ToLowerInvariant())
                || SqlRunningFunctions.Contains(name)
                || (_catalog.KindOf(name) & PgNameKind.UserFunction) != 0
                || (_cursorReadsProtected.TryGetValue(name.ToLowerInvariant(), out var cursor) && cursor))
            {
                return true;
            }
        }

        foreach (var (schema, table) in _catalog.BaseTablesOfViewsNamed(names))
        {
            if (_scope.IsProtectedTable(schema, table))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Remembers cursors a statement declares, so a later FETCH inherits what the query read.</summary>
    private void RememberCursors(string sql, bool readsProtected)
    {
        var words = CursorDeclarations().Matches(sql);
        foreach (System.Text.RegularExpressions.Match match in words)
        {
            var name = match.Groups[1].Value.Trim('"').ToLowerInvariant();
            _cursorReadsProtected[name] = readsProtected;
        }
    }

    [System.Text.RegularExpressions.GeneratedRegex(
        @"\bdeclare\s+(""[^""]+""|[A-Za-z_][A-Za-z0-9_$]*)", System.Text.RegularExpressions.RegexOptions.IgnoreCase)]
    private static partial System.Text.RegularExpressions.Regex CursorDeclarations();

    private static string Key(ReadOnlySpan<byte> name) => name.IsEmpty ? "" : Encoding.UTF8.GetString(name);
}
