namespace Sluice.Core.Sql;

/// <summary>
/// Classifies one PostgreSQL statement from its tokens and collects the relations and functions it names. The
/// statement grammar lives in the <c>Commands</c> part, the name collection in the <c>Names</c> part.
/// </summary>
internal sealed partial class PgStatementAnalyzer
{
    private const int MaxNesting = 24;
    private const char Ellipsis = '\u2026';

    private static readonly char[] s_sqlWhitespace = [' ', '\t', '\n', '\r', '\f', '\v'];

    private static readonly SqlToken s_end = new(SqlTokenKind.Punctuation, 0, 0, ";");

    private readonly string _sql;
    private readonly List<SqlToken> _tokens;
    private readonly SqlDialectRules _rules;
    private readonly int _start;
    private readonly int _end;
    private readonly int[] _match;
    private readonly bool[] _inCall;
    private readonly bool[] _inFromList;
    private readonly List<(int Index, SqlName Name)> _relations = [];
    private readonly HashSet<int> _notFunctionHeads = [];
    private bool _writeWithoutWhere;
    private string? _setting;

    private PgStatementAnalyzer(string sql, List<SqlToken> tokens, SqlTokenRange range, SqlDialectRules rules)
    {
        _sql = sql;
        _tokens = tokens;
        _rules = rules;
        _start = range.Start;
        _end = range.End;
        _match = new int[_end - _start];
        _inCall = new bool[_end - _start];
        _inFromList = new bool[_end - _start];
        IndexParentheses();
    }

    /// <summary>What a (sub)statement turned out to be.</summary>
    private readonly record struct Outcome(StatementClass Class, string Keyword, string? Uncertainty,
        StatementClass? Body = null);

    public static SqlStatement Analyze(string sql, List<SqlToken> tokens, SqlTokenRange range, SqlDialectRules rules)
    {
        var analyzer = new PgStatementAnalyzer(sql, tokens, range, rules);
        return analyzer.Run(range);
    }

    private SqlStatement Run(SqlTokenRange range)
    {
        SqlToken last = _tokens[_end - 1];
        Outcome outcome;
        if (last.Kind == SqlTokenKind.Error)
        {
            outcome = Unknown(last.Value);
        }
        else if (range.Problem is not null)
        {
            outcome = Unknown(range.Problem);
        }
        else
        {
            outcome = AnalyzeRange(_start, _end, 0);
        }

        int scanEnd = last.Kind == SqlTokenKind.Error ? _end - 1 : _end;
        SqlName[] functions = CollectFunctions(scanEnd);
        StatementClass cls = outcome.Class;
        if (cls != StatementClass.Unknown && CallsSqlRunningFunction(functions))
        {
            // The SQL such a function runs is a string the text does not show as SQL.
            cls = StatementClass.Dynamic;
        }

        bool placeholders = cls is StatementClass.Read or StatementClass.Write or StatementClass.Transaction;
        string keyword = outcome.Keyword.Length > 0 ? outcome.Keyword
            : _tokens[_start].Kind == SqlTokenKind.Word ? _tokens[_start].Value.ToUpperInvariant() : string.Empty;
        SqlToken first = _tokens[_start];
        return new SqlStatement(
            // Only the whitespace the lexer skips: a character string.Trim() also removes (U+00A0, U+2028 ...) can be
            // part of an identifier the server reads, and the text must stay what the client sent.
            StatementText(first.Start, last.End),
            cls,
            cls == StatementClass.Unknown ? [] : OrderedRelations(),
            functions,
            _writeWithoutWhere,
            _setting,
            keyword,
            new SqlStatement.FingerprintSource(_sql, _tokens, _start, _end, placeholders),
            outcome.Uncertainty,
            outcome.Body);
    }

    private string StatementText(int start, int end)
    {
        // A text of one statement is the statement: no copy is needed when nothing surrounds it.
        string text = start == 0 && end == _sql.Length ? _sql : _sql[start..end];
        return text.Trim(s_sqlWhitespace);
    }

    private bool CallsSqlRunningFunction(SqlName[] functions)
    {
        foreach (SqlName function in functions)
        {
            if (_rules.SqlRunningFunctions.Contains(function.Name))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Relations in order of first appearance, each once, however many clauses found them.</summary>
    private SqlName[] OrderedRelations()
    {
        if (_relations.Count == 0)
        {
            return [];
        }

        // Sorted by position, and by order of discovery for equal positions (a stable sort).
        var found = _relations.ToArray();
        var keys = new long[found.Length];
        for (int i = 0; i < found.Length; i++)
        {
            keys[i] = ((long)found[i].Index << 32) | (uint)i;
        }

        Array.Sort(keys, found);

        var names = new List<SqlName>(found.Length);
        HashSet<SqlName>? seen = found.Length > 8 ? new HashSet<SqlName>(found.Length) : null;
        foreach (var (_, name) in found)
        {
            if (seen is null ? !names.Contains(name) : seen.Add(name))
            {
                names.Add(name);
            }
        }

        return [.. names];
    }

    private static Outcome Unknown(string reason, string keyword = "") =>
        new(StatementClass.Unknown, keyword, reason);

    private static Outcome Certain(StatementClass cls, string keyword, StatementClass? body = null) =>
        new(cls, keyword, null, body);

    /// <summary>Orders classes by how much harm they can do, to report the worst of a compound statement.</summary>
    private static int Danger(StatementClass cls) => cls switch
    {
        StatementClass.Read => 0,
        StatementClass.Transaction => 1,
        StatementClass.SessionSetting => 2,
        StatementClass.Copy => 3,
        StatementClass.Write => 4,
        StatementClass.Admin => 5,
        StatementClass.Ddl => 6,
        StatementClass.Privilege => 7,
        StatementClass.Dynamic => 8,
        _ => 9,
    };

    private static StatementClass Worst(StatementClass a, StatementClass b) => Danger(a) >= Danger(b) ? a : b;

    private SqlToken At(int i) => i >= _start && i < _end ? _tokens[i] : s_end;

    private int Match(int i) => i >= _start && i < _end ? _match[i - _start] : -1;

    private bool IsWordAt(int i, string folded) => At(i).IsWord(folded);

    private bool IsOpenAt(int i) => At(i).IsPunctuation('(');

    /// <summary>An identifier that can name an object: a quoted one, or an unquoted non-reserved word.</summary>
    private bool IsName(int i)
    {
        SqlToken t = At(i);
        return t.Kind == SqlTokenKind.QuotedIdentifier
            || (t.Kind == SqlTokenKind.Word && !_rules.Reserved.Contains(t.Value));
    }

    /// <summary>Records each parenthesis' partner and whether a token sits directly inside a call.</summary>
    private void IndexParentheses()
    {
        var open = new Stack<int>();
        for (int i = _start; i < _end; i++)
        {
            _match[i - _start] = -1;
            _inCall[i - _start] = open.Count > 0 && IsCallHead(open.Peek() - 1);
            SqlToken t = _tokens[i];
            if (t.IsPunctuation('('))
            {
                open.Push(i);
            }
            else if (t.IsPunctuation(')') && open.Count > 0)
            {
                int o = open.Pop();
                _match[o - _start] = i;
                _match[i - _start] = o;
            }
        }
    }

    private bool IsCallHead(int i)
    {
        SqlToken t = At(i);
        return t.Kind == SqlTokenKind.QuotedIdentifier || (t.Kind == SqlTokenKind.Word
            && (!_rules.NotFunctions.Contains(t.Value) || t.Value is "extract" or "substring" or "trim" or "overlay"
                or "position"));
    }

    /// <summary>Whether a top-level WHERE follows <paramref name="s"/> before the range ends.</summary>
    private bool HasTopLevelWhere(int s, int e)
    {
        int depth = 0;
        for (int i = s + 1; i < e; i++)
        {
            SqlToken t = _tokens[i];
            if (t.IsPunctuation('('))
            {
                depth++;
            }
            else if (t.IsPunctuation(')'))
            {
                depth--;
            }
            else if (depth == 0 && t.IsWord("where"))
            {
                return true;
            }
        }

        return false;
    }

    private int FindTopLevelWord(int s, int e, string folded)
    {
        for (int i = s; i < e; i++)
        {
            if (IsOpenAt(i) && Match(i) > i)
            {
                i = Match(i);
            }
            else if (_tokens[i].IsWord(folded))
            {
                return i;
            }
        }

        return -1;
    }
}
