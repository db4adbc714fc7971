namespace Sluice.Core.Sql;

/// <summary>Collecting relation and function names.</summary>
internal sealed partial class PgStatementAnalyzer
{
    // Words that end a FROM list at its own level.
    private static readonly HashSet<string> s_fromStoppers = new(StringComparer.Ordinal)
    {
        "where", "group", "having", "window", "order", "limit", "offset", "fetch", "for", "union", "intersect",
        "except", "returning", "set", "into", "when", "then", "select", "values", "conflict", "default", "do",
    };

    // Words that may stand between a relation keyword and the name.
    private static readonly HashSet<string> s_nameModifiers = new(StringComparer.Ordinal)
    {
        "only", "if", "not", "exists", "concurrently", "temporary", "temp", "unlogged", "strict", "local", "global",
    };

    private void AddRelation(SqlName name, int index) => _relations.Add((index, name));

    /// <summary>Reads <c>a</c>, <c>a.b</c> or <c>a.b.c</c> at <paramref name="p"/>, leaving p after it.</summary>
    private bool ReadQualifiedName(ref int p, out SqlName name)
    {
        name = default;
        if (!IsName(p))
        {
            return false;
        }

        string? qualifier = null;
        string last = At(p).Value;
        p++;
        int parts = 1;
        while (At(p).IsPunctuation('.') && At(p + 1).Kind is SqlTokenKind.Word or SqlTokenKind.QuotedIdentifier
            && parts < 3)
        {
            qualifier = last;
            last = At(p + 1).Value;
            p += 2;
            parts++;
        }

        name = new SqlName(qualifier, last);
        return true;
    }

    /// <summary>Reads one relation name after optional modifiers; a column list after it is not a call.</summary>
    private int ReadRelation(int p)
    {
        while (At(p).Kind == SqlTokenKind.Word && s_nameModifiers.Contains(At(p).Value))
        {
            p++;
        }

        int first = p;
        if (!ReadQualifiedName(ref p, out SqlName name))
        {
            return p;
        }

        AddRelation(name, first);
        if (IsOpenAt(p))
        {
            _notFunctionHeads.Add(p - 1);
        }

        return p;
    }

    /// <summary>Reads <c>a [*] [(cols)], b …</c> as in DROP TABLE, TRUNCATE, LOCK and VACUUM.</summary>
    private void ReadRelationList(int p)
    {
        while (true)
        {
            int after = ReadRelation(p);
            if (after == p)
            {
                return;
            }

            p = after;
            if (At(p).Kind == SqlTokenKind.Operator && At(p).Value == "*")
            {
                p++;
            }

            if (IsOpenAt(p) && Match(p) > p)
            {
                p = Match(p) + 1;
            }

            if (!At(p).IsPunctuation(','))
            {
                return;
            }

            p++;
        }
    }

    /// <summary>Finds the relations of query-like text: FROM and JOIN lists, INTO, TABLE, REFERENCES, USING.</summary>
    private void ScanRelations(int s, int e, bool usingIsFrom)
    {
        for (int i = s; i < e; i++)
        {
            SqlToken t = _tokens[i];
            if (t.Kind != SqlTokenKind.Word)
            {
                continue;
            }

            // A JOIN or FROM already read as part of an earlier list is not read again, which keeps long join
            // chains linear.
            if (_inFromList[i - _start] && t.Value is "from" or "join" or "using")
            {
                continue;
            }

            switch (t.Value)
            {
                case "from" when !_inCall[i - _start] && !IsWordAt(i - 1, "distinct") && !IsWordAt(i - 1, "rows"):
                case "join":
                    ScanFromList(i + 1, e);
                    break;
                case "using" when usingIsFrom:
                    ScanFromList(i + 1, e);
                    break;
                case "into" when !_inCall[i - _start]:
                    int p = i + 1;
                    p += IsWordAt(p, "table") ? 1 : 0;
                    ReadRelation(p);
                    break;
                case "table" when !IsOpenAt(i + 1):
                    ReadRelationList(i + 1);
                    break;
                case "references":
                    ReadRelation(i + 1);
                    break;
            }
        }
    }

    /// <summary>Reads a FROM list: a relation after the keyword, each comma and each JOIN, through parens.</summary>
    private void ScanFromList(int p, int e)
    {
        bool expecting = true;
        int depth = 0;
        int aliasSlot = -1;
        for (; p < e; p++)
        {
            SqlToken t = _tokens[p];
            _inFromList[p - _start] = true;
            if (t.IsPunctuation('('))
            {
                SqlToken inner = At(p + 1);
                bool subquery = inner.IsWord("select") || inner.IsWord("values") || inner.IsWord("with")
                    || inner.IsWord("table") || inner.IsPunctuation('(');
                if (expecting && !subquery)
                {
                    depth++;
                    continue;
                }

                if (Match(p) < p)
                {
                    return;
                }

                p = Match(p);
                expecting = false;
                continue;
            }

            if (t.IsPunctuation(')'))
            {
                if (depth == 0)
                {
                    return;
                }

                depth--;
                expecting = false;
                continue;
            }

            if (t.IsPunctuation(','))
            {
                expecting = true;
                continue;
            }

            if (t.IsPunctuation(';'))
            {
                return;
            }

            if (t.Kind == SqlTokenKind.Word)
            {
                if (depth == 0 && s_fromStoppers.Contains(t.Value))
                {
                    return;
                }

                if (t.Value == "join" || (t.Value == "using" && !IsOpenAt(p + 1)))
                {
                    // JOIN … and DELETE … USING a, b both start a new item; JOIN … USING (cols) does not.
                    expecting = true;
                    continue;
                }

                if (t.Value is "only" or "lateral" or "natural" or "inner" or "left" or "right" or "full" or "outer"
                    or "cross")
                {
                    continue;
                }

                if (t.Value == "rows" && IsWordAt(p + 1, "from"))
                {
                    p++;
                    continue;
                }
            }

            if (expecting && IsName(p))
            {
                int q = p;
                ReadQualifiedName(ref q, out SqlName name);
                if (IsOpenAt(q))
                {
                    // A set-returning function, not a relation; its arguments are skipped here.
                    p = Match(q) > q ? Match(q) : e;
                }
                else
                {
                    AddRelation(name, p);
                    p = q - 1;
                    aliasSlot = IsWordAt(q, "as") ? q + 1 : q;
                }

                expecting = false;
                continue;
            }

            if (p == aliasSlot && IsName(p) && IsOpenAt(p + 1))
            {
                _notFunctionHeads.Add(p);
            }

            expecting = false;
        }
    }

    /// <summary>Every name directly followed by '(' that is a call rather than syntax, each once.</summary>
    private SqlName[] CollectFunctions(int e)
    {
        // Most statements call nothing or one function: the set that keeps them unique waits for a second call.
        List<SqlName>? functions = null;
        HashSet<SqlName>? seen = null;
        for (int i = _start; i < e; i++)
        {
            SqlToken t = _tokens[i];
            if (t.Kind is not (SqlTokenKind.Word or SqlTokenKind.QuotedIdentifier) || At(i - 1).IsPunctuation('.'))
            {
                continue;
            }

            int p = i;
            int before = i - 1;
            bool qualified = At(p + 1).IsPunctuation('.');
            if (!ReadChain(ref p, out SqlName name) || !IsOpenAt(p) || p > e)
            {
                continue;
            }

            bool keyword = !qualified && t.Kind == SqlTokenKind.Word && _rules.NotFunctions.Contains(t.Value);
            bool typeContext = At(before).IsWord("as") || At(before).Value == "::";
            if (keyword || typeContext || _notFunctionHeads.Contains(p - 1))
            {
                continue;
            }

            if (functions is null)
            {
                functions = [name];
            }
            else if ((seen ??= [.. functions]).Add(name))
            {
                functions.Add(name);
            }
        }

        return functions is null ? [] : [.. functions];
    }

    /// <summary>Like <see cref="ReadQualifiedName"/> but takes any word; the caller checks keywords.</summary>
    private bool ReadChain(ref int p, out SqlName name)
    {
        string? qualifier = null;
        string last = At(p).Value;
        p++;
        int parts = 1;
        while (At(p).IsPunctuation('.') && At(p + 1).Kind is SqlTokenKind.Word or SqlTokenKind.QuotedIdentifier)
        {
            qualifier = last;
            last = At(p + 1).Value;
            p += 2;
            if (++parts > 3)
            {
                name = default;
                return false;
            }
        }

        name = new SqlName(qualifier, last);
        return true;
    }
}
