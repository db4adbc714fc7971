namespace Sluice.Core.Sql;

/// <summary>The statement grammar: which leading keywords mean what, and what each command carries.</summary>
internal sealed partial class PgStatementAnalyzer
{
    private static readonly HashSet<string> s_adminCommands = new(StringComparer.Ordinal)
    {
        "checkpoint", "discard", "load", "listen", "unlisten", "notify", "deallocate", "fetch", "move", "close",
    };

    private static readonly HashSet<string> s_transactionCommands = new(StringComparer.Ordinal)
    {
        "begin", "commit", "end", "rollback", "abort", "savepoint", "release",
    };

    private static readonly HashSet<string> s_withMain = new(StringComparer.Ordinal)
    {
        "select", "insert", "update", "delete", "merge", "values", "table",
    };

    private static readonly HashSet<string> s_tableLike = new(StringComparer.Ordinal)
    {
        "table", "view", "sequence", "index", "materialized view", "foreign table",
    };

    private static readonly HashSet<string> s_ddlModifiers = new(StringComparer.Ordinal)
    {
        "or", "replace", "temp", "temporary", "unlogged", "global", "local", "unique", "trusted", "procedural",
        "recursive", "constraint",
    };

    private static readonly HashSet<string> s_grantObjectKinds = new(StringComparer.Ordinal)
    {
        "sequence", "database", "domain", "foreign", "function", "procedure", "routine", "language", "large",
        "schema", "tablespace", "type", "parameter", "all",
    };

    private Outcome AnalyzeRange(int s, int e, int nesting)
    {
        if (nesting > MaxNesting)
        {
            return Unknown("statements nested too deeply");
        }

        if (s >= e)
        {
            return Unknown("missing statement");
        }

        SqlToken t = _tokens[s];
        if (t.IsPunctuation('('))
        {
            return Query(s, e, nesting, "SELECT");
        }

        if (t.Kind != SqlTokenKind.Word)
        {
            return Unknown("statement does not start with a keyword");
        }

        string verb = t.Value;
        switch (verb)
        {
            case "select" or "values" or "table":
                return Query(s, e, nesting, verb.ToUpperInvariant());
            case "with":
                return With(s, e, nesting);
            case "insert" or "merge" or "update" or "delete":
                return Dml(s, e, nesting, verb);
            case "truncate":
                // Emptying whole tables is the unbounded write that rule exists for.
                ReadRelationList(IsWordAt(s + 1, "table") ? s + 2 : s + 1);
                _writeWithoutWhere = true;
                return Certain(StatementClass.Write, "TRUNCATE");
            case "explain":
                return Explain(s, e, nesting);
            case "show":
                return Certain(StatementClass.Read, "SHOW");
            case "create" or "alter" or "drop":
                return Ddl(s, e, verb);
            case "comment" or "security":
                return CommentOrLabel(s, e, verb);
            case "refresh":
                ReadRelation(s + 3);
                return Certain(StatementClass.Ddl, "REFRESH MATERIALIZED VIEW");
            case "import":
                return Certain(StatementClass.Ddl, "IMPORT FOREIGN SCHEMA");
            case "grant" or "revoke":
                return GrantOrRevoke(s, e, verb);
            case "reassign":
                return Certain(StatementClass.Privilege, "REASSIGN OWNED");
            case "set":
                return Set(s, e);
            case "reset":
                return Reset(s);
            case "start":
                return IsWordAt(s + 1, "transaction") ? Certain(StatementClass.Transaction, "START TRANSACTION")
                    : Unknown("START without TRANSACTION");
            case "commit" or "rollback" when IsWordAt(s + 1, "prepared"):
                return Certain(StatementClass.Transaction, verb.ToUpperInvariant() + " PREPARED");
            case "prepare" when IsWordAt(s + 1, "transaction"):
                return Certain(StatementClass.Transaction, "PREPARE TRANSACTION");
            case "prepare":
                return Prepare(s, e, nesting);
            case "vacuum" or "analyze" or "analyse" or "cluster" or "lock" or "reindex":
                return Maintenance(s, e, verb);
            case "declare":
                return Declare(s, e, nesting);
            case "execute":
                _notFunctionHeads.Add(s + 1);
                return Certain(StatementClass.Dynamic, "EXECUTE");
            case "do" or "call":
                return Certain(StatementClass.Dynamic, verb.ToUpperInvariant());
            case "copy":
                return Copy(s, e, nesting);
        }

        if (s_transactionCommands.Contains(verb))
        {
            return Certain(StatementClass.Transaction, verb.ToUpperInvariant());
        }

        if (s_adminCommands.Contains(verb))
        {
            return Certain(StatementClass.Admin, verb.ToUpperInvariant());
        }

        return Unknown("unrecognised statement", verb.ToUpperInvariant());
    }

    private Outcome Query(int s, int e, int nesting, string keyword)
    {
        ScanRelations(s, e, usingIsFrom: false);
        StatementClass cls = StatementClass.Read;
        if (_tokens[s].IsWord("select") && FindTopLevelWord(s, e, "into") >= 0)
        {
            // SELECT … INTO creates a table from the result.
            cls = StatementClass.Ddl;
        }

        Outcome nested = NestedDml(s, e, nesting);
        return nested.Uncertainty is not null ? nested : Certain(Worst(cls, nested.Class), keyword);
    }

    /// <summary>Classifies statements that open a parenthesis with INSERT, UPDATE, DELETE or MERGE.</summary>
    private Outcome NestedDml(int s, int e, int nesting)
    {
        StatementClass worst = StatementClass.Read;
        for (int i = s; i < e; i++)
        {
            if (!IsOpenAt(i) || At(i + 1).Kind != SqlTokenKind.Word
                || At(i + 1).Value is not ("insert" or "update" or "delete" or "merge"))
            {
                continue;
            }

            int close = Match(i);
            if (close < i)
            {
                return Unknown("unbalanced parentheses");
            }

            Outcome inner = AnalyzeRange(i + 1, close, nesting + 1);
            if (inner.Class == StatementClass.Unknown)
            {
                return inner;
            }

            worst = Worst(worst, inner.Class);
            i = close;
        }

        return Certain(worst, string.Empty);
    }

    private Outcome Dml(int s, int e, int nesting, string verb)
    {
        if (verb == "update")
        {
            ReadRelation(s + 1);
        }

        if (verb is "update" or "delete" && !HasTopLevelWhere(s, e))
        {
            _writeWithoutWhere = true;
        }

        ScanRelations(s, e, usingIsFrom: verb is "delete" or "merge");
        Outcome nested = NestedDml(s, e, nesting);
        return nested.Uncertainty is not null ? nested
            : Certain(Worst(StatementClass.Write, nested.Class), verb.ToUpperInvariant());
    }

    private Outcome With(int s, int e, int nesting)
    {
        int p = s + 1 + (IsWordAt(s + 1, "recursive") ? 1 : 0);
        StatementClass worst = StatementClass.Read;
        while (true)
        {
            if (!IsName(p))
            {
                return Unknown("malformed WITH", "WITH");
            }

            _notFunctionHeads.Add(p);
            p++;
            if (IsOpenAt(p))
            {
                p = Match(p) + 1;
            }

            if (!IsWordAt(p, "as"))
            {
                return Unknown("malformed WITH", "WITH");
            }

            p += 1 + (IsWordAt(p + 1, "not") ? 1 : 0);
            p += IsWordAt(p, "materialized") ? 1 : 0;
            int close = Match(p);
            if (!IsOpenAt(p) || close < p)
            {
                return Unknown("malformed WITH", "WITH");
            }

            Outcome body = AnalyzeRange(p + 1, close, nesting + 1);
            if (body.Class == StatementClass.Unknown)
            {
                return body;
            }

            worst = Worst(worst, body.Class);
            p = close + 1;
            if (At(p).IsPunctuation(','))
            {
                p++;
                continue;
            }

            // SEARCH and CYCLE clauses hold no parentheses and none of the main statement's keywords.
            while (p < e && !IsOpenAt(p) && !(At(p).Kind == SqlTokenKind.Word && s_withMain.Contains(At(p).Value)))
            {
                p++;
            }

            break;
        }

        if (p >= e)
        {
            return Unknown("WITH without a main statement", "WITH");
        }

        Outcome main = AnalyzeRange(p, e, nesting + 1);
        if (main.Class == StatementClass.Unknown)
        {
            return main;
        }

        return Certain(Worst(worst, main.Class), "WITH" + Ellipsis + main.Keyword);
    }

    private Outcome Explain(int s, int e, int nesting)
    {
        int p = s + 1;
        bool analyze = false;
        if (IsOpenAt(p))
        {
            int close = Match(p);
            for (int i = p + 1; i < close; i++)
            {
                if ((IsWordAt(i, "analyze") || IsWordAt(i, "analyse")) && (At(i - 1).IsPunctuation('(')
                    || At(i - 1).IsPunctuation(',')))
                {
                    SqlToken value = At(i + 1);
                    bool off = value.IsWord("false") || value.IsWord("off")
                        || (value.Kind == SqlTokenKind.Number && _sql[value.Start..value.End] == "0");
                    analyze |= !off;
                }
            }

            p = close + 1;
        }
        else
        {
            while (At(p).Kind == SqlTokenKind.Word && At(p).Value is "analyze" or "analyse" or "verbose")
            {
                analyze |= At(p).Value != "verbose";
                p++;
            }
        }

        Outcome inner = AnalyzeRange(p, e, nesting + 1);
        if (inner.Class == StatementClass.Unknown)
        {
            return inner;
        }

        // EXPLAIN ANALYZE runs the statement; plain EXPLAIN only plans it.
        return analyze ? Certain(inner.Class, "EXPLAIN ANALYZE", inner.Class)
            : Certain(StatementClass.Read, "EXPLAIN", inner.Class);
    }

    private Outcome Ddl(int s, int e, string verb)
    {
        int p = s + 1;
        while (At(p).Kind == SqlTokenKind.Word && s_ddlModifiers.Contains(At(p).Value))
        {
            p++;
        }

        if (At(p).Kind != SqlTokenKind.Word)
        {
            return Unknown("incomplete " + verb.ToUpperInvariant(), verb.ToUpperInvariant());
        }

        string obj = At(p).Value;
        int words = 1;
        string next = At(p + 1).Kind == SqlTokenKind.Word ? At(p + 1).Value : string.Empty;
        if (obj is "materialized" or "foreign" or "event" or "access" or "large"
            || (obj, next) is ("user", "mapping") or ("default", "privileges") or ("operator", "class")
                or ("operator", "family") or ("text", "search"))
        {
            words = (obj, next) is ("text", "search") or ("foreign", "data") ? 3 : 2;
        }

        string objectWords = string.Join(' ', Enumerable.Range(p, words).Select(i => At(i).Value));
        string keyword = verb.ToUpperInvariant() + " " + objectWords.ToUpperInvariant();
        int after = p + words;
        ScanRelations(s, e, usingIsFrom: false);
        if (objectWords is "role" or "user" or "group" or "default privileges")
        {
            return Certain(StatementClass.Privilege, keyword);
        }

        if (verb == "create" && objectWords == "index")
        {
            int on = FindTopLevelWord(after, e, "on");
            if (on > 0)
            {
                ReadRelation(on + 1);
            }
        }
        else if (s_tableLike.Contains(objectWords))
        {
            ReadRelationList(after);
        }
        else if (objectWords is "trigger" or "policy" or "rule")
        {
            int on = FindTopLevelWord(after, e, "on");
            if (on > 0 && objectWords == "rule" && verb == "create" && IsWordAt(on + 2, "to"))
            {
                ReadRelation(on + 3);
            }
            else if (on > 0)
            {
                ReadRelation(on + 1);
            }
        }

        return Certain(StatementClass.Ddl, keyword);
    }

    private Outcome CommentOrLabel(int s, int e, string verb)
    {
        string keyword = verb == "comment" ? "COMMENT" : "SECURITY LABEL";
        int on = FindTopLevelWord(s, e, "on");
        if ((verb == "security" && !IsWordAt(s + 1, "label")) || on < 0)
        {
            return Unknown("malformed " + keyword, keyword);
        }

        int p = on + 1;
        string obj = At(p).Kind == SqlTokenKind.Word ? At(p).Value : string.Empty;
        if (obj == "column")
        {
            // [schema.]table.column: the relation is everything but the last part.
            var parts = new List<string>();
            for (int i = p + 1; At(i).Kind is SqlTokenKind.Word or SqlTokenKind.QuotedIdentifier; i += 2)
            {
                parts.Add(At(i).Value);
                if (!At(i + 1).IsPunctuation('.'))
                {
                    break;
                }
            }

            if (parts.Count >= 2)
            {
                AddRelation(new SqlName(parts.Count >= 3 ? parts[^3] : null, parts[^2]), p + 1);
            }
        }
        else if (obj is "table" or "view" or "sequence" or "index")
        {
            ReadRelation(p + 1);
        }
        else if (obj is "materialized" or "foreign")
        {
            ReadRelation(p + 2);
        }

        return Certain(StatementClass.Ddl, keyword);
    }

    private Outcome GrantOrRevoke(int s, int e, string verb)
    {
        int on = FindTopLevelWord(s, e, "on");
        if (on > 0)
        {
            int p = on + 1;
            if (IsWordAt(p, "table"))
            {
                ReadRelationList(p + 1);
            }
            else if (!(At(p).Kind == SqlTokenKind.Word && s_grantObjectKinds.Contains(At(p).Value)))
            {
                ReadRelationList(p);
            }
        }

        return Certain(StatementClass.Privilege, verb.ToUpperInvariant());
    }
}
