namespace Sluice.Core.Sql;

/// <summary>One statement's token range, and why its boundaries are in doubt, if they are.</summary>
internal readonly record struct SqlTokenRange(int Start, int End, string? Problem);

/// <summary>
/// Splits a token stream at top-level semicolons: not inside parentheses (strings, comments and dollar bodies are
/// already single tokens), and not inside the BEGIN ATOMIC … END body of CREATE FUNCTION or CREATE PROCEDURE.
/// Statements with nothing but semicolons are dropped.
/// </summary>
internal static class SqlStatementSplitter
{
    public static List<SqlTokenRange> Split(List<SqlToken> tokens)
    {
        var ranges = new List<SqlTokenRange>();
        int start = 0;
        int depth = 0;
        int atomicDepth = 0;
        bool routine = false;
        string? problem = null;
        for (int i = 0; i < tokens.Count; i++)
        {
            SqlToken token = tokens[i];
            if (token.Kind == SqlTokenKind.Punctuation)
            {
                switch (token.Value[0])
                {
                    case '(':
                        depth++;
                        break;
                    case ')':
                        if (--depth < 0)
                        {
                            problem ??= "unbalanced parentheses";
                            depth = 0;
                        }

                        break;
                    case ';' when depth == 0 && atomicDepth == 0:
                        Add(ranges, start, i, problem);
                        start = i + 1;
                        routine = false;
                        problem = null;
                        break;
                }
            }
            else if (token.Kind == SqlTokenKind.Word && depth == 0)
            {
                if (i > start && tokens[start].IsWord("create") && token.Value is "function" or "procedure")
                {
                    routine = true;
                }
                else if (routine && token.Value == "begin" && i + 1 < tokens.Count && tokens[i + 1].IsWord("atomic"))
                {
                    atomicDepth++;
                }
                else if (atomicDepth > 0 && token.Value == "case")
                {
                    atomicDepth++;
                }
                else if (atomicDepth > 0 && token.Value == "end")
                {
                    atomicDepth--;
                }
            }
        }

        if (depth > 0)
        {
            problem ??= "unbalanced parentheses";
        }

        if (atomicDepth > 0)
        {
            problem ??= "BEGIN ATOMIC without END";
        }

        Add(ranges, start, tokens.Count, problem);
        return ranges;
    }

    private static void Add(List<SqlTokenRange> ranges, int start, int end, string? problem)
    {
        if (end > start)
        {
            ranges.Add(new SqlTokenRange(start, end, problem));
        }
    }
}
