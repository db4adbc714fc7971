namespace Sluice.Core.Policy;

/// <summary>
/// Tells whether a COPY statement moves data through the database server's own file system or a
/// program it starts, rather than through the client connection (STDIN or STDOUT). The classifier
/// only says "copy", and those two kinds differ completely in what they can reach.
/// </summary>
internal static class CopyTarget
{
    /// <summary>
    /// Finds the first TO or FROM outside parentheses (so a query or column list is skipped) and looks at
    /// the word after it: PROGRAM or a quoted file name means server side. Anything unreadable also
    /// counts as server side, because a guard that fails open is no guard.
    /// </summary>
    public static bool IsServerSide(string text)
    {
        var reader = new Reader(text);
        var depth = 0;
        var sawCopy = false;
        while (reader.Next(out var token, out var kind))
        {
            if (kind == TokenKind.Open)
            {
                depth++;
            }
            else if (kind == TokenKind.Close)
            {
                depth = Math.Max(0, depth - 1);
            }
            else if (depth == 0 && kind == TokenKind.Word && !sawCopy)
            {
                sawCopy = token.Equals("copy", StringComparison.OrdinalIgnoreCase);
            }
            else if (depth == 0 && kind == TokenKind.Word && sawCopy && IsDirection(token))
            {
                if (!reader.Next(out var target, out var targetKind))
                {
                    return true;
                }

                return targetKind != TokenKind.Word
                    || !(target.Equals("stdin", StringComparison.OrdinalIgnoreCase)
                        || target.Equals("stdout", StringComparison.OrdinalIgnoreCase));
            }
        }

        return sawCopy;
    }

    private static bool IsDirection(ReadOnlySpan<char> word) =>
        word.Equals("to", StringComparison.OrdinalIgnoreCase)
        || word.Equals("from", StringComparison.OrdinalIgnoreCase);

    private enum TokenKind
    {
        Word,
        Literal,
        Open,
        Close,
        Other,
    }

    /// <summary>Just enough of SQL's lexical rules to skip strings, quoted names and comments.</summary>
    private ref struct Reader(string text)
    {
        private readonly ReadOnlySpan<char> _text = text;
        private int _at;

        public bool Next(out ReadOnlySpan<char> token, out TokenKind kind)
        {
            SkipSpaceAndComments();
            token = default;
            kind = TokenKind.Other;
            if (_at >= _text.Length)
            {
                return false;
            }

            var start = _at;
            var c = _text[_at];
            if (c == '(' || c == ')')
            {
                _at++;
                kind = c == '(' ? TokenKind.Open : TokenKind.Close;
            }
            else if (c == '\'' || c == '"' || ((c == 'E' || c == 'e') && Peek(1) == '\''))
            {
                var escaped = c is 'E' or 'e';
                _at += escaped ? 1 : 0;
                SkipQuoted(_text[_at], escaped);
                kind = c == '"' ? TokenKind.Word : TokenKind.Literal;
            }
            else if (c == '$' && TrySkipDollarQuoted())
            {
                kind = TokenKind.Literal;
            }
            else if (char.IsLetter(c) || c == '_')
            {
                while (_at < _text.Length && (char.IsLetterOrDigit(_text[_at]) || _text[_at] is '_' or '$'))
                {
                    _at++;
                }

                kind = TokenKind.Word;
            }
            else
            {
                _at++;
            }

            token = _text[start.._at];
            return true;
        }

        private readonly char Peek(int ahead) => _at + ahead < _text.Length ? _text[_at + ahead] : '\0';

        private void SkipSpaceAndComments()
        {
            while (_at < _text.Length)
            {
                if (char.IsWhiteSpace(_text[_at]))
                {
                    _at++;
                }
                else if (_text[_at] == '-' && Peek(1) == '-')
                {
                    var end = _text[_at..].IndexOf('\n');
                    _at = end < 0 ? _text.Length : _at + end + 1;
                }
                else if (_text[_at] == '/' && Peek(1) == '*')
                {
                    var end = _text[(_at + 2)..].IndexOf("*/");
                    _at = end < 0 ? _text.Length : _at + 2 + end + 2;
                }
                else
                {
                    return;
                }
            }
        }

        /// <summary>
        /// Skips a quoted run where a doubled quote stands for itself. Backslash escapes only count in E'...'
        /// strings, as with standard_conforming_strings on (the server default, which the settings guard keeps).
        /// </summary>
        private void SkipQuoted(char quote, bool backslashEscapes)
        {
            _at++;
            while (_at < _text.Length)
            {
                var c = _text[_at++];
                if (c == '\\' && backslashEscapes)
                {
                    _at++;
                }
                else if (c == quote)
                {
                    if (Peek(0) != quote)
                    {
                        return;
                    }

                    _at++;
                }
            }
        }

        private bool TrySkipDollarQuoted()
        {
            var close = _text[(_at + 1)..].IndexOf('$');
            if (close < 0)
            {
                return false;
            }

            var tag = _text.Slice(_at, close + 2);
            foreach (var c in tag[1..^1])
            {
                if (!char.IsLetterOrDigit(c) && c != '_')
                {
                    return false;
                }
            }

            var end = _text[(_at + tag.Length)..].IndexOf(tag);
            _at = end < 0 ? _text.Length : _at + tag.Length + end + tag.Length;
            return true;
        }
    }
}
