using System.Text;

namespace Sluice.Protocols.Postgres;

/// <summary>
/// The names a SQL text may refer to, for judging whether a statement may read a protected table. It errs on
/// the side of finding too much: every word anywhere in the text counts, folded to lower case, including words
/// inside string literals, comments and dollar-quoted bodies (SQL can run SQL held in a string), and on top of
/// that every quoted identifier exactly as written, found by a lexer that knows PostgreSQL's comments (nested),
/// string forms and dollar quoting, so that a quote inside a string cannot hide what follows it.
/// </summary>
internal static class PgSqlNames
{
    public static HashSet<string> Collect(ReadOnlySpan<char> sql)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        CollectWords(sql, names);
        CollectQuotedIdentifiers(sql, names);
        return names;
    }

    /// <summary>
    /// Every run of identifier characters, lower-cased, wherever it stands; leading digits are not part of a name
    /// (no unquoted identifier starts with one). Numbers are left out: each distinct number would otherwise be a
    /// new "name" to look up, so a workload of literal keys would ask the catalog about every statement.
    /// </summary>
    private static void CollectWords(ReadOnlySpan<char> sql, HashSet<string> names)
    {
        var i = 0;
        while (i < sql.Length)
        {
            if (!IsIdentifierPart(sql[i]))
            {
                i++;
                continue;
            }

            var start = i;
            while (i < sql.Length && IsIdentifierPart(sql[i]))
            {
                i++;
            }

            while (start < i && char.IsAsciiDigit(sql[start]))
            {
                start++;
            }

            if (start < i)
            {
                names.Add(sql[start..i].ToString().ToLowerInvariant());
            }
        }
    }

    private static void CollectQuotedIdentifiers(ReadOnlySpan<char> sql, HashSet<string> names)
    {
        var i = 0;
        while (i < sql.Length)
        {
            var c = sql[i];
            if (c == '-' && Next(sql, i) == '-')
            {
                i = SkipLineComment(sql, i);
            }
            else if (c == '/' && Next(sql, i) == '*')
            {
                i = SkipBlockComment(sql, i);
            }
            else if (c == '\'')
            {
                i = SkipString(sql, i + 1, backslashEscapes: false);
            }
            else if ((c is 'e' or 'E') && Next(sql, i) == '\'')
            {
                i = SkipString(sql, i + 2, backslashEscapes: true);
            }
            else if ((c is 'b' or 'B' or 'x' or 'X' or 'n' or 'N') && Next(sql, i) == '\'')
            {
                i = SkipString(sql, i + 2, backslashEscapes: false);
            }
            else if ((c is 'u' or 'U') && Next(sql, i) == '&' && i + 2 < sql.Length && sql[i + 2] is '\'' or '"')
            {
                // U&'…' is a string; U&"…" an identifier whose escapes this scanner keeps as written.
                i = sql[i + 2] == '\'' ? SkipString(sql, i + 3, backslashEscapes: false) : ReadQuoted(sql, i + 2, names);
            }
            else if (c == '"')
            {
                i = ReadQuoted(sql, i, names);
            }
            else if (c == '$' && TryDollarTag(sql, i, out var tagLength))
            {
                i = SkipDollarBody(sql, i, tagLength);
            }
            else if (IsIdentifierPart(c))
            {
                // Skip the whole word, so that a keyword prefix such as "e" or "u&" is not read in the middle of one.
                while (i < sql.Length && IsIdentifierPart(sql[i]))
                {
                    i++;
                }
            }
            else
            {
                i++;
            }
        }
    }

    private static char Next(ReadOnlySpan<char> sql, int i) => i + 1 < sql.Length ? sql[i + 1] : '\0';

    private static bool IsIdentifierStart(char c) => char.IsAsciiLetter(c) || c == '_' || c > 0x7F;

    private static bool IsIdentifierPart(char c) => IsIdentifierStart(c) || char.IsAsciiDigit(c) || c == '$';

    private static int SkipLineComment(ReadOnlySpan<char> sql, int i)
    {
        while (i < sql.Length && sql[i] != '\n')
        {
            i++;
        }

        return i;
    }

    /// <summary>PostgreSQL's block comments nest.</summary>
    private static int SkipBlockComment(ReadOnlySpan<char> sql, int i)
    {
        var depth = 0;
        while (i < sql.Length)
        {
            if (sql[i] == '/' && Next(sql, i) == '*')
            {
                depth++;
                i += 2;
            }
            else if (sql[i] == '*' && Next(sql, i) == '/')
            {
                i += 2;
                if (--depth == 0)
                {
                    return i;
                }
            }
            else
            {
                i++;
            }
        }

        return i;
    }

    /// <summary>Skips a string body; '' is a quote; with backslash escapes, \' and \\ are too.</summary>
    private static int SkipString(ReadOnlySpan<char> sql, int i, bool backslashEscapes)
    {
        while (i < sql.Length)
        {
            var c = sql[i];
            if (backslashEscapes && c == '\\')
            {
                i += 2;
            }
            else if (c == '\'')
            {
                if (Next(sql, i) == '\'')
                {
                    i += 2;
                }
                else
                {
                    return i + 1;
                }
            }
            else
            {
                i++;
            }
        }

        return i;
    }

    private static int ReadQuoted(ReadOnlySpan<char> sql, int i, HashSet<string> names)
    {
        var name = new StringBuilder();
        i++;
        while (i < sql.Length)
        {
            if (sql[i] == '"')
            {
                if (Next(sql, i) == '"')
                {
                    name.Append('"');
                    i += 2;
                    continue;
                }

                i++;
                break;
            }

            name.Append(sql[i++]);
        }

        names.Add(name.ToString());
        return i;
    }

    /// <summary>A dollar-quote opener: $$ or $tag$ where tag is an identifier without '$'.</summary>
    private static bool TryDollarTag(ReadOnlySpan<char> sql, int i, out int tagLength)
    {
        var j = i + 1;
        if (j < sql.Length && sql[j] != '$' && !(IsIdentifierStart(sql[j])))
        {
            tagLength = 0;
            return false;
        }

        while (j < sql.Length && sql[j] != '$')
        {
            if (!IsIdentifierPart(sql[j]) || sql[j] == '$')
            {
                tagLength = 0;
                return false;
            }

            j++;
        }

        tagLength = j - i + 1;
        return j < sql.Length;
    }

    private static int SkipDollarBody(ReadOnlySpan<char> sql, int i, int tagLength)
    {
        var tag = sql.Slice(i, tagLength);
        var end = sql[(i + tagLength)..].IndexOf(tag);
        return end < 0 ? sql.Length : i + tagLength + end + tagLength;
    }
}
