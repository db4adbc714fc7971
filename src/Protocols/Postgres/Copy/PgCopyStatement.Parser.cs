namespace Sluice.Protocols.Postgres;

/// <summary>The recursive-descent parser behind <see cref="PgCopyStatement.TryParse"/>.</summary>
public sealed partial class PgCopyStatement
{
    private ref partial struct Parser
    {
        private readonly ReadOnlySpan<char> _sql;
        private readonly PgCopyStatement _statement;
        private PgSqlTokenizer _tokens;
        private PgSqlToken _token;
        private PgCopyFormat _format;
        private bool _formatSet;
        private string? _delimiter;
        private string? _null;
        private string? _quote;
        private string? _escape;
        private bool? _header;
        private string? _encodingProblem;

        public Parser(ReadOnlySpan<char> sql, PgSqlTokenizer tokens, PgCopyStatement statement)
        {
            _sql = sql;
            _tokens = tokens;
            _statement = statement;
        }

        /// <summary>Parses everything after COPY; returns the first problem, or null.</summary>
        public string? Parse()
        {
            Advance();
            if (_token.IsWord("binary"))
            {
                _format = PgCopyFormat.Binary;
                _formatSet = true;
                Advance();
            }

            string? problem = _token.IsSymbol('(') ? ParseQuery() : ParseTable();
            problem ??= ParseTarget();
            problem ??= ParseOptions();
            if (problem is not null)
            {
                return problem;
            }

            if (_token.IsWord("where"))
            {
                if (_statement.IsTo)
                {
                    return "WHERE is only valid for COPY FROM";
                }

                while (_token.Kind is not (PgSqlTokenKind.End or PgSqlTokenKind.Error) && !_token.IsSymbol(';'))
                {
                    Advance();
                }
            }

            if (_token.IsSymbol(';'))
            {
                Advance();
            }

            return _token.Kind switch
            {
                PgSqlTokenKind.End => _encodingProblem,
                PgSqlTokenKind.Error => _token.Text,
                _ => "unexpected text after the COPY statement (more than one statement?)",
            };
        }

        /// <summary>The checks PostgreSQL's own option processing makes, so a rewriter can always be built.</summary>
        public readonly string? ValidateOptions()
        {
            bool csv = _format == PgCopyFormat.Csv;
            if (_format == PgCopyFormat.Binary && (_delimiter ?? _null ?? _quote ?? _escape) is not null)
            {
                return "DELIMITER, NULL, QUOTE and ESCAPE are not valid with FORMAT binary";
            }

            if (_format == PgCopyFormat.Binary && _header == true)
            {
                return "HEADER is not valid with FORMAT binary";
            }

            if (!csv && (_quote ?? _escape) is not null)
            {
                return "QUOTE and ESCAPE are only valid with FORMAT csv";
            }

            char delimiter = csv ? ',' : '\t';
            if (_delimiter is not null)
            {
                if (!IsOneByte(_delimiter) || _delimiter[0] is '\r' or '\n')
                {
                    return "DELIMITER must be a single one-byte character other than CR or LF";
                }

                delimiter = _delimiter[0];
                if (!csv && "\\.abcdefghijklmnopqrstuvwxyz0123456789".Contains(delimiter, StringComparison.Ordinal))
                {
                    return "DELIMITER cannot be a backslash, period, lower-case letter or digit in text format";
                }
            }

            string nullString = _null ?? (csv ? string.Empty : "\\N");
            if (nullString.AsSpan().IndexOfAny('\r', '\n') >= 0
                || nullString.Contains(delimiter, StringComparison.Ordinal))
            {
                return "NULL cannot contain CR, LF or the delimiter";
            }

            if ((_quote is not null && !IsOneByte(_quote)) || (_escape is not null && !IsOneByte(_escape)))
            {
                return "QUOTE and ESCAPE must be single one-byte characters";
            }

            char quote = _quote?[0] ?? '"';
            if (csv && (quote == delimiter || quote is '\r' or '\n' || _escape?[0] is '\r' or '\n'
                || nullString.Contains(quote, StringComparison.Ordinal)))
            {
                return "QUOTE must differ from the delimiter and not appear in NULL";
            }

            return null;
        }

        /// <summary>The options with every default filled in; unusable values (already reported) fall back.</summary>
        public readonly PgCopyOptions BuildOptions()
        {
            bool csv = _format == PgCopyFormat.Csv;
            byte quote = _quote is not null && IsOneByte(_quote) ? (byte)_quote[0] : (byte)'"';
            return new PgCopyOptions
            {
                Format = _format,
                Delimiter = _delimiter is not null && IsOneByte(_delimiter)
                    ? (byte)_delimiter[0]
                    : csv ? (byte)',' : (byte)'\t',
                Null = _null ?? (csv ? string.Empty : "\\N"),
                Quote = quote,
                Escape = _escape is not null && IsOneByte(_escape) ? (byte)_escape[0] : quote,
                Header = _header == true,
            };
        }

        private static bool IsOneByte(string value) => value.Length == 1 && value[0] < 0x80;

        private void Advance() => _token = _tokens.Next();

        private readonly bool IsName => _token.Kind is PgSqlTokenKind.Word or PgSqlTokenKind.QuotedIdentifier;

        private string? ParseQuery()
        {
            int open = _token.End;
            for (int depth = 1; depth > 0;)
            {
                Advance();
                if (_token.Kind is PgSqlTokenKind.End or PgSqlTokenKind.Error)
                {
                    return "unterminated query in COPY (query)";
                }

                depth += _token.IsSymbol('(') ? 1 : _token.IsSymbol(')') ? -1 : 0;
            }

            _statement.Query = _sql[open.._token.Start].Trim().ToString();
            Advance();
            return _statement.Query.Length == 0 ? "empty query in COPY (query)" : null;
        }

        private string? ParseTable()
        {
            var parts = new List<string>(3);
            while (true)
            {
                if (!IsName)
                {
                    return "expected a table name after COPY";
                }

                parts.Add(_token.Text);
                Advance();
                if (!_token.IsSymbol('.'))
                {
                    break;
                }

                Advance();
            }

            if (parts.Count > 3)
            {
                return "improper qualified name";
            }

            // A three-part name carries the database first; the server insists it is the current one.
            _statement.Table = parts[^1];
            _statement.Schema = parts.Count > 1 ? parts[^2] : null;
            if (_token.IsSymbol('('))
            {
                Advance();
                var columns = new List<string>();
                string? problem = ParseNameList(columns);
                if (problem is not null || !_token.IsSymbol(')'))
                {
                    return problem ?? "expected ')' after the column list";
                }

                _statement.Columns = columns;
                Advance();
            }

            return null;
        }

        private string? ParseNameList(List<string> names)
        {
            while (true)
            {
                if (!IsName)
                {
                    return "expected a column name";
                }

                names.Add(_token.Text);
                Advance();
                if (!_token.IsSymbol(','))
                {
                    return null;
                }

                Advance();
            }
        }

        private string? ParseTarget()
        {
            if (_token.IsWord("to"))
            {
                _statement.IsTo = true;
            }
            else if (!_token.IsWord("from"))
            {
                return "expected TO or FROM";
            }

            if (_statement.Query is not null && !_statement.IsTo)
            {
                return "COPY (query) FROM is not valid";
            }

            Advance();
            if (_token.IsWord("stdout") || _token.IsWord("stdin"))
            {
                Advance();
                return null;
            }

            _statement.IsProgramOrFile = true;
            if (_token.IsWord("program"))
            {
                _statement.IsProgram = true;
                Advance();
            }

            if (_token.Kind != PgSqlTokenKind.String)
            {
                return "expected STDOUT, STDIN, a file name or PROGRAM 'command'";
            }

            Advance();
            return null;
        }
    }
}
