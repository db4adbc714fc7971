namespace Sluice.Core.Sql;

/// <summary>PostgreSQL 15's lexical features and keyword tables (see the "SQL Key Words" appendix).</summary>
internal sealed class PostgreSqlRules : SqlDialectRules
{
    public static readonly PostgreSqlRules Instance = new();

    // Reserved and "type or function name" reserved keywords: none of them can be an unquoted relation name.
    private static readonly HashSet<string> s_reserved = new(StringComparer.Ordinal)
    {
        "all", "analyse", "analyze", "and", "any", "array", "as", "asc", "asymmetric", "both", "case", "cast",
        "check", "collate", "column", "constraint", "create", "current_catalog", "current_date", "current_role",
        "current_time", "current_timestamp", "current_user", "default", "deferrable", "desc", "distinct", "do",
        "else", "end", "except", "false", "fetch", "for", "foreign", "from", "grant", "group", "having", "in",
        "initially", "intersect", "into", "lateral", "leading", "limit", "localtime", "localtimestamp", "not",
        "null", "offset", "on", "only", "or", "order", "placing", "primary", "references", "returning", "select",
        "session_user", "some", "symmetric", "system_user", "table", "then", "to", "trailing", "true", "union",
        "unique", "user", "using", "variadic", "when", "where", "window", "with", "authorization", "binary",
        "collation", "concurrently", "cross", "current_schema", "freeze", "full", "ilike", "inner", "is", "isnull",
        "join", "left", "like", "natural", "notnull", "outer", "overlaps", "right", "similar", "tablesample",
        "verbose",
    };

    // Keywords that take a parenthesis as syntax (subqueries, lists, options, type modifiers), not as a call.
    private static readonly HashSet<string> s_notFunctions = BuildNotFunctions();

    private static readonly HashSet<string> s_sqlRunning = new(StringComparer.Ordinal)
    {
        "query_to_xml", "query_to_xmlschema", "query_to_xml_and_xmlschema", "cursor_to_xml", "cursor_to_xmlschema",
        "table_to_xml", "table_to_xmlschema", "table_to_xml_and_xmlschema", "schema_to_xml", "schema_to_xmlschema",
        "schema_to_xml_and_xmlschema", "database_to_xml", "database_to_xmlschema", "database_to_xml_and_xmlschema",
        "dblink", "dblink_exec", "dblink_open", "dblink_fetch", "dblink_send_query", "ts_stat", "ts_rewrite",
        "crosstab", "crosstab2", "crosstab3", "crosstab4", "connectby", "set_config",
    };

    public override bool NestedComments => true;

    public override bool DollarQuoting => true;

    public override IReadOnlySet<string> Reserved => s_reserved;

    public override IReadOnlySet<string> NotFunctions => s_notFunctions;

    public override IReadOnlySet<string> SqlRunningFunctions => s_sqlRunning;

    private static HashSet<string> BuildNotFunctions()
    {
        var set = new HashSet<string>(s_reserved, StringComparer.Ordinal);

        // LEFT and RIGHT are also ordinary string functions; as join words they never touch a parenthesis.
        set.Remove("left");
        set.Remove("right");
        string[] syntax =
        [
            "exists", "values", "row", "coalesce", "nullif", "greatest", "least", "grouping", "extract", "overlay",
            "position", "substring", "trim", "treat", "normalize", "xmlattributes", "xmlconcat", "xmlelement",
            "xmlexists", "xmlforest", "xmlnamespaces", "xmlparse", "xmlpi", "xmlroot", "xmlserialize", "xmltable",
            "bit", "char", "character", "dec", "decimal", "float", "interval", "numeric", "time", "timestamp",
            "varchar", "nchar", "national", "varying", "precision", "int", "integer", "smallint", "bigint", "real",
            "over", "filter", "within", "rollup", "cube", "sets", "conflict", "repeatable", "materialized", "key",
            "include", "options", "set", "first", "next", "zone", "range", "rows", "groups", "partition", "insert",
            "update", "delete", "merge", "explain", "vacuum", "copy", "cluster", "reindex", "force_quote",
            "force_not_null", "force_null", "by", "inherits", "exclude", "stored", "generated", "identity",
            "without", "btree", "hash", "gist", "gin", "brin", "spgist", "json", "json_array", "json_object",
            "json_arrayagg", "json_objectagg", "is_json",
        ];
        foreach (string word in syntax)
        {
            set.Add(word);
        }

        return set;
    }
}
