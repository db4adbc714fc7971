namespace Sluice.Core.Sql;

/// <summary>SET and RESET, maintenance, and the commands that carry another statement.</summary>
internal sealed partial class PgStatementAnalyzer
{
    private Outcome Set(int s, int e)
    {
        int p = s + 1;
        string scope = string.Empty;
        if (At(p).Kind == SqlTokenKind.Word && At(p).Value is "local" or "session"
            && !(At(p).Value == "session" && At(p + 1).Kind == SqlTokenKind.Word
                && At(p + 1).Value is "characteristics"))
        {
            scope = " " + At(p).Value.ToUpperInvariant();
            p++;
        }

        string keyword = "SET" + scope;
        SqlToken t = At(p);
        if (t.Kind == SqlTokenKind.Word)
        {
            switch (t.Value)
            {
                case "role":
                    _setting = "role";
                    return Certain(StatementClass.Privilege, keyword + " ROLE");
                case "session" when IsWordAt(p + 1, "authorization"):
                    _setting = "session_authorization";
                    return Certain(StatementClass.Privilege, keyword + " SESSION AUTHORIZATION");
                case "authorization" when scope == " SESSION":
                    _setting = "session_authorization";
                    return Certain(StatementClass.Privilege, keyword + " AUTHORIZATION");
                case "transaction" or "constraints":
                    return Certain(StatementClass.Transaction, keyword + " " + t.Value.ToUpperInvariant());
                case "session" when IsWordAt(p + 1, "characteristics"):
                    return Certain(StatementClass.Transaction, "SET SESSION CHARACTERISTICS");
                case "time" when IsWordAt(p + 1, "zone"):
                    return Setting(keyword, "timezone");
                case "schema":
                    return Setting(keyword, "search_path");
                case "names":
                    return Setting(keyword, "client_encoding");
                case "xml" when IsWordAt(p + 1, "option"):
                    return Setting(keyword, "xmloption");
            }
        }

        string? name = ParameterName(ref p);
        if (name is null || !(At(p).IsWord("to") || At(p).Value == "=" || At(p).IsWord("from")) || p + 1 >= e)
        {
            return Unknown("malformed SET", keyword);
        }

        return IdentitySetting(keyword, name) ?? Setting(keyword, name);
    }

    private Outcome Reset(int s)
    {
        int p = s + 1;
        SqlToken t = At(p);
        if (t.IsWord("role"))
        {
            _setting = "role";
            return Certain(StatementClass.Privilege, "RESET ROLE");
        }

        if (t.IsWord("session") && IsWordAt(p + 1, "authorization"))
        {
            _setting = "session_authorization";
            return Certain(StatementClass.Privilege, "RESET SESSION AUTHORIZATION");
        }

        if (t.IsWord("time") && IsWordAt(p + 1, "zone"))
        {
            return Setting("RESET", "timezone");
        }

        if (t.IsWord("all"))
        {
            return Setting("RESET", "all");
        }

        string? name = ParameterName(ref p);
        return name is null ? Unknown("malformed RESET", "RESET")
            : IdentitySetting("RESET", name) ?? Setting("RESET", name);
    }

    /// <summary>
    /// <c>SET "role" = x</c> and <c>SET session_authorization = x</c> reach the same parameters as SET ROLE and
    /// SET SESSION AUTHORIZATION through the generic form, so they change identity just the same.
    /// </summary>
    private Outcome? IdentitySetting(string keyword, string name)
    {
        if (name is not ("role" or "session_authorization"))
        {
            return null;
        }

        _setting = name;
        return Certain(StatementClass.Privilege, keyword);
    }

    private Outcome Setting(string keyword, string name)
    {
        _setting = name;
        return Certain(StatementClass.SessionSetting, keyword);
    }

    /// <summary>Reads a run-time parameter name, qualified for extension parameters; lower case either way.</summary>
    private string? ParameterName(ref int p)
    {
        if (At(p).Kind is not (SqlTokenKind.Word or SqlTokenKind.QuotedIdentifier))
        {
            return null;
        }

        string name = At(p).Value;
        p++;
        while (At(p).IsPunctuation('.') && At(p + 1).Kind is SqlTokenKind.Word or SqlTokenKind.QuotedIdentifier)
        {
            name += "." + At(p + 1).Value;
            p += 2;
        }

        return name.ToLowerInvariant();
    }

    private Outcome Maintenance(int s, int e, string verb)
    {
        int p = s + 1;
        if (verb == "reindex")
        {
            ScanRelations(s, e, usingIsFrom: false);
            if (IsOpenAt(p))
            {
                p = Match(p) + 1;
            }

            if (IsWordAt(p, "index"))
            {
                ReadRelation(p + 1);
            }

            return Certain(StatementClass.Admin, "REINDEX");
        }

        if (IsOpenAt(p) && Match(p) > p)
        {
            p = Match(p) + 1;
        }

        while (At(p).Kind == SqlTokenKind.Word
            && At(p).Value is "full" or "freeze" or "verbose" or "analyze" or "analyse" or "table")
        {
            p++;
        }

        if (verb == "cluster")
        {
            ReadRelation(p);
        }
        else
        {
            ReadRelationList(p);
        }

        return Certain(StatementClass.Admin, verb == "analyse" ? "ANALYZE" : verb.ToUpperInvariant());
    }

    private Outcome Declare(int s, int e, int nesting)
    {
        int cursor = FindTopLevelWord(s, e, "cursor");
        int @for = cursor < 0 ? -1 : FindTopLevelWord(cursor, e, "for");
        if (@for < 0)
        {
            return Unknown("malformed DECLARE", "DECLARE");
        }

        Outcome inner = AnalyzeRange(@for + 1, e, nesting + 1);
        return inner.Class == StatementClass.Unknown ? inner : Certain(inner.Class, "DECLARE", inner.Class);
    }

    private Outcome Prepare(int s, int e, int nesting)
    {
        _notFunctionHeads.Add(s + 1);
        int @as = FindTopLevelWord(s + 1, e, "as");
        if (@as < 0)
        {
            return Unknown("malformed PREPARE", "PREPARE");
        }

        // The body runs later under EXECUTE; its class is reported so policy can judge it now.
        Outcome inner = AnalyzeRange(@as + 1, e, nesting + 1);
        return inner.Class == StatementClass.Unknown ? inner
            : Certain(StatementClass.Dynamic, "PREPARE", inner.Class);
    }

    private Outcome Copy(int s, int e, int nesting)
    {
        int p = s + 1 + (IsWordAt(s + 1, "binary") ? 1 : 0);
        StatementClass cls = StatementClass.Copy;
        StatementClass? body = null;
        if (IsOpenAt(p))
        {
            int close = Match(p);
            if (close < p)
            {
                return Unknown("unbalanced parentheses", "COPY");
            }

            Outcome inner = AnalyzeRange(p + 1, close, nesting + 1);
            if (inner.Class == StatementClass.Unknown)
            {
                return inner;
            }

            // COPY (DELETE … RETURNING …) TO … changes rows: report the worse of the two.
            cls = inner.Class == StatementClass.Read ? StatementClass.Copy : Worst(StatementClass.Copy, inner.Class);
            body = inner.Class;
            p = close + 1;
        }
        else
        {
            int after = ReadRelation(p);
            if (after == p)
            {
                return Unknown("malformed COPY", "COPY");
            }

            p = after;
        }

        int where = FindTopLevelWord(p, e, "where");
        if (where > 0)
        {
            ScanRelations(where, e, usingIsFrom: false);
        }

        return Certain(cls, "COPY", body);
    }
}
