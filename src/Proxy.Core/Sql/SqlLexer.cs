using System.Globalization;
using System.Text;

namespace Sluice.Core.Sql;

/// <summary>
/// Splits SQL text into tokens the way the server's lexer does: comments (<c>--</c> to a line end, nested
/// <c>/* */</c>), identifiers folded to lower case unless quoted, string constants in every form (plain with
/// <c>''</c>, E'' with backslash escapes, U&amp;'' and U&amp;"" with Unicode escapes, B'', X'', N''), dollar
/// quoting, numbers, parameters, operators and punctuation. The first thing it cannot read with certainty becomes
/// an <see cref="SqlTokenKind.Error"/> token that runs to the end of the text, so nothing after it can be mistaken
/// for a harmless statement.
/// </summary>
internal static class SqlLexer
{
    private const string OperatorChars = "~!@#^&|`?+-*/%<>=:";

    public static List<SqlToken> Tokenize(string sql, SqlDialectRules rules)
    {
        var tokens = new List<SqlToken>(Math.Min(sql.Length / 3 + 4, 4096));
        int pos = 0;
        while (true)
        {
            string? commentError = SkipSpaceAndComments(sql, ref pos, rules);
            if (commentError is not null)
            {
                tokens.Add(new SqlToken(SqlTokenKind.Error, pos, sql.Length, commentError));
                return tokens;
            }

            if (pos >= sql.Length)
            {
                ResolveUnicodeEscapes(sql, tokens);
                return tokens;
            }

            SqlToken token = Next(sql, pos, rules);
            tokens.Add(token);
            if (token.Kind == SqlTokenKind.Error)
            {
                return tokens;
            }

            pos = token.End;
        }
    }

    private static SqlToken Next(string sql, int start, SqlDialectRules rules)
    {
        char c = sql[start];
        char next = start + 1 < sql.Length ? sql[start + 1] : '\0';
        if ((c is 'e' or 'E') && next == '\'')
        {
            return QuotedString(sql, start, start + 2, backslashEscapes: true);
        }

        if ((c is 'b' or 'B' or 'x' or 'X' or 'n' or 'N') && next == '\'')
        {
            return QuotedString(sql, start, start + 2, backslashEscapes: false);
        }

        if ((c is 'u' or 'U') && next == '&' && start + 2 < sql.Length && sql[start + 2] is '\'' or '"')
        {
            return sql[start + 2] == '\''
                ? QuotedString(sql, start, start + 3, backslashEscapes: false, unicode: true)
                : QuotedIdentifier(sql, start, start + 3);
        }

        if (c == '\'')
        {
            return QuotedString(sql, start, start + 1, backslashEscapes: false);
        }

        if (c == '"')
        {
            return QuotedIdentifier(sql, start, start + 1);
        }

        if (c == '$')
        {
            return Dollar(sql, start, rules);
        }

        if (IsIdentifierStart(c))
        {
            int end = start + 1;
            while (end < sql.Length && IsIdentifierPart(sql[end]))
            {
                end++;
            }

            return new SqlToken(SqlTokenKind.Word, start, end, FoldAscii(sql.AsSpan(start, end - start)));
        }

        if (char.IsAsciiDigit(c) || (c == '.' && char.IsAsciiDigit(next)))
        {
            return Number(sql, start);
        }

        if (c is '(' or ')' or '[' or ']' or ',' or ';' or '.')
        {
            return new SqlToken(SqlTokenKind.Punctuation, start, start + 1, c.ToString());
        }

        if (OperatorChars.Contains(c))
        {
            int end = start + 1;
            while (end < sql.Length && OperatorChars.Contains(sql[end]) && !StartsComment(sql, end))
            {
                end++;
            }

            return new SqlToken(SqlTokenKind.Operator, start, end, sql[start..end]);
        }

        return Fail(sql, start, "stray character U+" + ((int)c).ToString("X4", CultureInfo.InvariantCulture));
    }

    private static bool StartsComment(string sql, int i) =>
        i + 1 < sql.Length && ((sql[i] == '-' && sql[i + 1] == '-') || (sql[i] == '/' && sql[i + 1] == '*'));

    private static string? SkipSpaceAndComments(string sql, ref int pos, SqlDialectRules rules)
    {
        while (pos < sql.Length)
        {
            char c = sql[pos];
            if (c is ' ' or '\t' or '\n' or '\r' or '\f' or '\v')
            {
                pos++;
            }
            else if (c == '-' && pos + 1 < sql.Length && sql[pos + 1] == '-')
            {
                // The server ends a line comment at CR or LF only; other line separators stay inside it.
                int newline = sql.AsSpan(pos).IndexOfAny('\n', '\r');
                pos = newline < 0 ? sql.Length : pos + newline;
            }
            else if (c == '/' && pos + 1 < sql.Length && sql[pos + 1] == '*')
            {
                int depth = 1;
                int i = pos + 2;
                while (depth > 0)
                {
                    if (i + 1 >= sql.Length)
                    {
                        return "unterminated comment";
                    }

                    if (rules.NestedComments && sql[i] == '/' && sql[i + 1] == '*')
                    {
                        depth++;
                        i += 2;
                    }
                    else if (sql[i] == '*' && sql[i + 1] == '/')
                    {
                        depth--;
                        i += 2;
                    }
                    else
                    {
                        i++;
                    }
                }

                pos = i;
            }
            else
            {
                break;
            }
        }

        return null;
    }

    private static SqlToken QuotedString(string sql, int start, int bodyStart, bool backslashEscapes,
        bool unicode = false)
    {
        int i = bodyStart;
        int backslashRun = 0;
        while (i < sql.Length)
        {
            char c = sql[i];
            if (backslashEscapes && c == '\\')
            {
                i += 2;
                continue;
            }

            if (c == '\'')
            {
                // With standard_conforming_strings off the server reads \' as an escaped quote, and the string
                // (and every statement boundary after it) would end elsewhere than we think.
                if (!backslashEscapes && !unicode && backslashRun % 2 == 1)
                {
                    return Fail(sql, start, "backslash before a quote: the string's end depends on "
                        + "standard_conforming_strings");
                }

                if (i + 1 < sql.Length && sql[i + 1] == '\'')
                {
                    i += 2;
                    backslashRun = 0;
                    continue;
                }

                return new SqlToken(SqlTokenKind.String, start, i + 1, string.Empty);
            }

            backslashRun = c == '\\' ? backslashRun + 1 : 0;
            i++;
        }

        return Fail(sql, start, "unterminated string constant");
    }

    private static SqlToken QuotedIdentifier(string sql, int start, int bodyStart)
    {
        var name = new StringBuilder();
        int i = bodyStart;
        while (i < sql.Length)
        {
            char c = sql[i];
            if (c == '"')
            {
                if (i + 1 < sql.Length && sql[i + 1] == '"')
                {
                    name.Append('"');
                    i += 2;
                    continue;
                }

                if (name.Length == 0)
                {
                    return Fail(sql, start, "zero-length quoted identifier");
                }

                // U&"…" escapes are resolved once the whole text is read, since a UESCAPE clause may follow.
                return new SqlToken(SqlTokenKind.QuotedIdentifier, start, i + 1, name.ToString());
            }

            name.Append(c);
            i++;
        }

        return Fail(sql, start, "unterminated quoted identifier");
    }

    private static SqlToken Dollar(string sql, int start, SqlDialectRules rules)
    {
        int i = start + 1;
        if (i < sql.Length && char.IsAsciiDigit(sql[i]))
        {
            while (i < sql.Length && char.IsAsciiDigit(sql[i]))
            {
                i++;
            }

            return new SqlToken(SqlTokenKind.Parameter, start, i, sql[start..i]);
        }

        if (!rules.DollarQuoting)
        {
            return Fail(sql, start, "stray character U+0024");
        }

        if (i < sql.Length && IsIdentifierStart(sql[i]))
        {
            while (i < sql.Length && IsIdentifierPart(sql[i]) && sql[i] != '$')
            {
                i++;
            }
        }

        if (i >= sql.Length || sql[i] != '$')
        {
            return Fail(sql, start, "stray character U+0024");
        }

        string tag = sql[start..(i + 1)];
        int close = sql.IndexOf(tag, i + 1, StringComparison.Ordinal);
        if (close < 0)
        {
            return Fail(sql, start, "unterminated dollar-quoted string");
        }

        return new SqlToken(SqlTokenKind.DollarString, start, close + tag.Length, string.Empty);
    }

    private static SqlToken Number(string sql, int start)
    {
        int i = start;
        while (i < sql.Length && (char.IsAsciiDigit(sql[i]) || sql[i] == '_'))
        {
            i++;
        }

        if (i < sql.Length && sql[i] == '.' && !(i + 1 < sql.Length && sql[i + 1] == '.'))
        {
            i++;
            while (i < sql.Length && (char.IsAsciiDigit(sql[i]) || sql[i] == '_'))
            {
                i++;
            }
        }

        if (i < sql.Length && sql[i] is 'e' or 'E')
        {
            int j = i + 1;
            if (j < sql.Length && sql[j] is '+' or '-')
            {
                j++;
            }

            if (j < sql.Length && char.IsAsciiDigit(sql[j]))
            {
                i = j;
            }
        }

        // Trailing letters (0x1F, 12abc) belong to the constant; the server rejects or reads them as one.
        while (i < sql.Length && (char.IsAsciiDigit(sql[i]) || IsIdentifierStart(sql[i])))
        {
            i++;
        }

        return new SqlToken(SqlTokenKind.Number, start, i, string.Empty);
    }

    /// <summary>Decodes U&amp;"…" identifiers, with a following UESCAPE clause's escape.</summary>
    private static void ResolveUnicodeEscapes(string sql, List<SqlToken> tokens)
    {
        for (int i = 0; i < tokens.Count; i++)
        {
            SqlToken token = tokens[i];
            if (token.Kind != SqlTokenKind.QuotedIdentifier || sql[token.Start] is not ('u' or 'U'))
            {
                continue;
            }

            char escape = '\\';
            int end = token.End;
            if (i + 2 < tokens.Count && tokens[i + 1].IsWord("uescape"))
            {
                SqlToken escapeToken = tokens[i + 2];
                escape = escapeToken.Kind == SqlTokenKind.String && escapeToken.End - escapeToken.Start == 3
                    && sql[escapeToken.Start] == '\'' ? sql[escapeToken.Start + 1] : '\'';

                // The clause belongs to the identifier: one token, so a call's '(' follows it directly.
                end = escapeToken.End;
                tokens.RemoveRange(i + 1, 2);
            }

            string? decoded = DecodeUnicode(token.Value, escape);
            if (decoded is null)
            {
                tokens.RemoveRange(i, tokens.Count - i);
                tokens.Add(new SqlToken(SqlTokenKind.Error, token.Start, sql.Length,
                    "invalid Unicode escape in quoted identifier"));
                return;
            }

            tokens[i] = token with { Value = decoded, End = end };
        }
    }

    private static string? DecodeUnicode(string raw, char escape)
    {
        if (char.IsAsciiHexDigit(escape) || escape is '+' or '\'' or '"' || char.IsWhiteSpace(escape))
        {
            return null;
        }

        var result = new StringBuilder(raw.Length);
        for (int i = 0; i < raw.Length; i++)
        {
            if (raw[i] != escape)
            {
                result.Append(raw[i]);
                continue;
            }

            if (i + 1 < raw.Length && raw[i + 1] == escape)
            {
                result.Append(escape);
                i++;
                continue;
            }

            int digits = i + 1 < raw.Length && raw[i + 1] == '+' ? 6 : 4;
            int from = digits == 6 ? i + 2 : i + 1;
            if (from + digits > raw.Length || !int.TryParse(raw.AsSpan(from, digits), NumberStyles.AllowHexSpecifier,
                CultureInfo.InvariantCulture, out int code) || code > 0x10FFFF || code is >= 0xD800 and <= 0xDFFF
                || code == 0)
            {
                return null;
            }

            result.Append(char.ConvertFromUtf32(code));
            i = from + digits - 1;
        }

        return result.ToString();
    }

    private static SqlToken Fail(string sql, int start, string reason) =>
        new(SqlTokenKind.Error, start, sql.Length, reason);

    private static bool IsIdentifierStart(char c) => char.IsAsciiLetter(c) || c == '_' || c >= 0x80;

    private static bool IsIdentifierPart(char c) => IsIdentifierStart(c) || char.IsAsciiDigit(c) || c == '$';

    private static string FoldAscii(ReadOnlySpan<char> word)
    {
        // The server lowers only ASCII letters of unquoted identifiers.
        Span<char> buffer = word.Length <= 128 ? stackalloc char[word.Length] : new char[word.Length];
        for (int i = 0; i < word.Length; i++)
        {
            buffer[i] = char.IsAsciiLetterUpper(word[i]) ? (char)(word[i] | 0x20) : word[i];
        }

        return new string(buffer);
    }
}
