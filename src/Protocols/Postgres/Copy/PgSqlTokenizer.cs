using System.Globalization;
using System.Text;

namespace Sluice.Protocols.Postgres;

/// <summary>
/// Splits SQL text into tokens the way PostgreSQL's lexer does for the parts a COPY statement uses: comments
/// (-- and nested /* */), identifiers (folded to lower case unless double-quoted), string constants with
/// standard-conforming quotes, E'' escapes and dollar quoting, numbers and single-character symbols.
/// </summary>
internal ref struct PgSqlTokenizer
{
    private readonly ReadOnlySpan<char> _sql;
    private int _position;

    public PgSqlTokenizer(ReadOnlySpan<char> sql)
    {
        _sql = sql;
        _position = 0;
    }

    public PgSqlToken Next()
    {
        if (!SkipSpaceAndComments())
        {
            return new PgSqlToken(PgSqlTokenKind.Error, "unterminated comment", _position, _sql.Length);
        }

        int start = _position;
        if (_position >= _sql.Length)
        {
            return new PgSqlToken(PgSqlTokenKind.End, string.Empty, start, start);
        }

        char c = _sql[_position];
        if ((c is 'e' or 'E') && Peek(1) == '\'')
        {
            _position += 2;
            return EscapeString(start);
        }

        if ((c is 'u' or 'U' or 'b' or 'B' or 'x' or 'X' or 'n' or 'N') && (Peek(1) == '\'' || Peek(1) == '&'))
        {
            // Unicode-escape, bit and national strings never appear in the COPY options we accept.
            return Fail(start, "unsupported string constant");
        }

        if (c == '\'')
        {
            _position++;
            return QuotedString(start);
        }

        if (c == '"')
        {
            return QuotedIdentifier(start);
        }

        if (c == '$' && DollarTagLength() is > 0 and int tagLength)
        {
            return DollarString(start, tagLength);
        }

        if (IsIdentifierStart(c))
        {
            while (_position < _sql.Length && IsIdentifierPart(_sql[_position]))
            {
                _position++;
            }

            return new PgSqlToken(PgSqlTokenKind.Word, FoldAscii(_sql[start.._position]), start, _position);
        }

        if (char.IsAsciiDigit(c) || (c == '.' && char.IsAsciiDigit(Peek(1))))
        {
            while (_position < _sql.Length && (char.IsAsciiLetterOrDigit(_sql[_position]) || _sql[_position] == '.'
                || _sql[_position] == '_'))
            {
                _position++;
            }

            return new PgSqlToken(PgSqlTokenKind.Number, _sql[start.._position].ToString(), start, _position);
        }

        _position++;
        return new PgSqlToken(PgSqlTokenKind.Symbol, c.ToString(), start, _position);
    }

    private static string FoldAscii(ReadOnlySpan<char> word)
    {
        // The server lowers only ASCII letters of unquoted identifiers in a UTF-8 database.
        return string.Create(word.Length, word.ToString(), static (span, source) =>
        {
            for (int i = 0; i < source.Length; i++)
            {
                span[i] = char.IsAsciiLetterUpper(source[i]) ? (char)(source[i] | 0x20) : source[i];
            }
        });
    }

    private static bool IsIdentifierStart(char c) => char.IsAsciiLetter(c) || c == '_' || c >= 0x80;

    private static bool IsIdentifierPart(char c) => IsIdentifierStart(c) || char.IsAsciiDigit(c) || c == '$';

    private readonly char Peek(int offset) =>
        _position + offset < _sql.Length ? _sql[_position + offset] : '\0';

    private bool SkipSpaceAndComments()
    {
        while (_position < _sql.Length)
        {
            char c = _sql[_position];
            if (char.IsWhiteSpace(c))
            {
                _position++;
            }
            else if (c == '-' && Peek(1) == '-')
            {
                int newline = _sql[_position..].IndexOfAny('\n', '\r');
                _position = newline < 0 ? _sql.Length : _position + newline;
            }
            else if (c == '/' && Peek(1) == '*')
            {
                int depth = 0;
                do
                {
                    if (_position + 1 >= _sql.Length)
                    {
                        return false;
                    }

                    if (_sql[_position] == '/' && _sql[_position + 1] == '*')
                    {
                        depth++;
                        _position += 2;
                    }
                    else if (_sql[_position] == '*' && _sql[_position + 1] == '/')
                    {
                        depth--;
                        _position += 2;
                    }
                    else
                    {
                        _position++;
                    }
                }
                while (depth > 0);
            }
            else
            {
                break;
            }
        }

        return true;
    }

    private PgSqlToken QuotedString(int start)
    {
        var value = new StringBuilder();
        while (_position < _sql.Length)
        {
            char c = _sql[_position++];
            if (c != '\'')
            {
                value.Append(c);
            }
            else if (Peek(0) == '\'')
            {
                value.Append('\'');
                _position++;
            }
            else
            {
                return new PgSqlToken(PgSqlTokenKind.String, value.ToString(), start, _position);
            }
        }

        return Fail(start, "unterminated string");
    }

    private PgSqlToken EscapeString(int start)
    {
        var value = new StringBuilder();
        while (_position < _sql.Length)
        {
            char c = _sql[_position++];
            if (c == '\'')
            {
                if (Peek(0) != '\'')
                {
                    return new PgSqlToken(PgSqlTokenKind.String, value.ToString(), start, _position);
                }

                value.Append('\'');
                _position++;
            }
            else if (c != '\\')
            {
                value.Append(c);
            }
            else if (_position >= _sql.Length || !AppendEscape(value))
            {
                return Fail(start, "bad escape in E'' string");
            }
        }

        return Fail(start, "unterminated string");
    }

    private bool AppendEscape(StringBuilder value)
    {
        char c = _sql[_position++];
        switch (c)
        {
            case 'b': value.Append('\b'); return true;
            case 'f': value.Append('\f'); return true;
            case 'n': value.Append('\n'); return true;
            case 'r': value.Append('\r'); return true;
            case 't': value.Append('\t'); return true;
            case >= '0' and <= '7':
                int octal = c - '0';
                for (int digits = 1; digits < 3 && Peek(0) is >= '0' and <= '7'; digits++)
                {
                    octal = (octal * 8) + (_sql[_position++] - '0');
                }

                return AppendByteEscape(value, octal & 0xFF);
            case 'x' when char.IsAsciiHexDigit(Peek(0)):
                int hex = 0;
                for (int digits = 0; digits < 2 && char.IsAsciiHexDigit(Peek(0)); digits++)
                {
                    hex = (hex * 16) + int.Parse(_sql.Slice(_position++, 1), NumberStyles.HexNumber,
                        CultureInfo.InvariantCulture);
                }

                return AppendByteEscape(value, hex);
            case 'u' or 'U':
                int length = c == 'u' ? 4 : 8;
                if (_position + length > _sql.Length
                    || !int.TryParse(_sql.Slice(_position, length), NumberStyles.HexNumber,
                        CultureInfo.InvariantCulture, out int codePoint)
                    || !Rune.IsValid(codePoint) || codePoint == 0)
                {
                    return false;
                }

                _position += length;
                value.Append(new Rune(codePoint).ToString());
                return true;
            default:
                value.Append(c);
                return true;
        }
    }

    /// <summary>Octal and hex escapes name bytes; only ASCII ones map to one character unambiguously.</summary>
    private static bool AppendByteEscape(StringBuilder value, int b)
    {
        if (b is 0 or >= 0x80)
        {
            return false;
        }

        value.Append((char)b);
        return true;
    }

    /// <summary>Length of a $tag$ opener at the current position, or 0.</summary>
    private readonly int DollarTagLength()
    {
        int i = _position + 1;
        if (i < _sql.Length && char.IsAsciiDigit(_sql[i]))
        {
            return 0;
        }

        while (i < _sql.Length && _sql[i] != '$')
        {
            if (!IsIdentifierPart(_sql[i]) || _sql[i] == '$')
            {
                return 0;
            }

            i++;
        }

        return i < _sql.Length ? i - _position + 1 : 0;
    }

    private PgSqlToken DollarString(int start, int tagLength)
    {
        ReadOnlySpan<char> tag = _sql.Slice(start, tagLength);
        int bodyStart = start + tagLength;
        int close = _sql[bodyStart..].IndexOf(tag);
        if (close < 0)
        {
            return Fail(start, "unterminated dollar-quoted string");
        }

        _position = bodyStart + close + tagLength;
        return new PgSqlToken(PgSqlTokenKind.String, _sql.Slice(bodyStart, close).ToString(), start, _position);
    }

    private PgSqlToken QuotedIdentifier(int start)
    {
        _position++;
        var value = new StringBuilder();
        while (_position < _sql.Length)
        {
            char c = _sql[_position++];
            if (c != '"')
            {
                value.Append(c);
            }
            else if (Peek(0) == '"')
            {
                value.Append('"');
                _position++;
            }
            else
            {
                return value.Length == 0
                    ? Fail(start, "zero-length quoted identifier")
                    : new PgSqlToken(PgSqlTokenKind.QuotedIdentifier, value.ToString(), start, _position);
            }
        }

        return Fail(start, "unterminated quoted identifier");
    }

    private PgSqlToken Fail(int start, string reason)
    {
        _position = _sql.Length;
        return new PgSqlToken(PgSqlTokenKind.Error, reason, start, _sql.Length);
    }
}
