namespace Sluice.Protocols.Postgres;

/// <summary>COPY options in both syntaxes.</summary>
public sealed partial class PgCopyStatement
{
    private ref partial struct Parser
    {
        private string? ParseOptions()
        {
            if (_token.IsWord("using"))
            {
                Advance();
                if (!_token.IsWord("delimiters"))
                {
                    return "expected DELIMITERS after USING";
                }
            }

            if (_token.IsWord("delimiters"))
            {
                Advance();
                string? problem = SetString(ref _delimiter, "DELIMITERS");
                if (problem is not null)
                {
                    return problem;
                }
            }

            if (_token.IsWord("with"))
            {
                Advance();
            }

            return _token.IsSymbol('(') ? ParseOptionList() : ParseOldOptions();
        }

        /// <summary>WITH ( name [argument] [, ...] ), the syntax since PostgreSQL 9.0.</summary>
        private string? ParseOptionList()
        {
            Advance();
            while (true)
            {
                if (!IsName)
                {
                    return "expected a COPY option name";
                }

                string name = _token.Text;
                Advance();
                PgSqlToken argument = default;
                if (_token.IsSymbol('('))
                {
                    // Column lists (FORCE_QUOTE and friends) only matter to the server.
                    Advance();
                    string? listProblem = ParseNameList(new List<string>());
                    if (listProblem is not null || !_token.IsSymbol(')'))
                    {
                        return listProblem ?? "expected ')' after an option's column list";
                    }

                    argument = _token;
                    Advance();
                }
                else if (!_token.IsSymbol(',') && !_token.IsSymbol(')'))
                {
                    if (_token.IsSymbol('-') || _token.IsSymbol('+'))
                    {
                        Advance();
                    }

                    argument = _token;
                    Advance();
                }

                string? problem = ApplyOption(name, argument);
                if (problem is not null)
                {
                    return problem;
                }

                if (_token.IsSymbol(')'))
                {
                    Advance();
                    return null;
                }

                if (!_token.IsSymbol(','))
                {
                    return _token.Kind == PgSqlTokenKind.Error ? _token.Text : "expected ',' or ')' in the option list";
                }

                Advance();
            }
        }

        private string? ApplyOption(string name, PgSqlToken argument)
        {
            bool hasArgument = argument.Kind != PgSqlTokenKind.End;
            switch (name)
            {
                case "format":
                    bool named = argument.Kind is PgSqlTokenKind.Word or PgSqlTokenKind.String;
                    return SetFormat(named ? argument.Text : null);
                case "delimiter":
                    return SetArgument(ref _delimiter, argument, "DELIMITER");
                case "null":
                    return SetArgument(ref _null, argument, "NULL");
                case "quote":
                    return SetArgument(ref _quote, argument, "QUOTE");
                case "escape":
                    return SetArgument(ref _escape, argument, "ESCAPE");
                case "header":
                    if (_header is not null)
                    {
                        return "conflicting or redundant HEADER";
                    }

                    bool? header = hasArgument ? Boolean(argument) : true;
                    if (header is null)
                    {
                        return "HEADER needs a Boolean value";
                    }

                    _header = header;
                    return null;
                case "encoding":
                    return argument.Kind == PgSqlTokenKind.String
                        ? CheckEncoding(argument.Text)
                        : "ENCODING needs a string";
                case "oids":
                    return hasArgument && Boolean(argument) == false ? null : "WITH OIDS is not supported";
                case "freeze" or "force_quote" or "force_not_null" or "force_null" or "default" or "on_error"
                    or "reject_limit" or "log_verbosity":
                    return null;
                default:
                    return "unknown COPY option " + name;
            }
        }

        /// <summary>The pre-9.0 word syntax: [WITH] BINARY, CSV, HEADER, DELIMITER [AS] 'x', and so on.</summary>
        private string? ParseOldOptions()
        {
            while (_token.Kind == PgSqlTokenKind.Word && !_token.IsWord("where"))
            {
                string word = _token.Text;
                Advance();
                if (_token.IsWord("as") && word is "delimiter" or "null" or "quote" or "escape")
                {
                    Advance();
                }

                string? problem = word switch
                {
                    "binary" => SetFormat("binary"),
                    "csv" => SetFormat("csv"),
                    "header" => _header is null ? SetHeader() : "conflicting or redundant HEADER",
                    "freeze" => null,
                    "delimiter" => SetString(ref _delimiter, "DELIMITER"),
                    "null" => SetString(ref _null, "NULL"),
                    "quote" => SetString(ref _quote, "QUOTE"),
                    "escape" => SetString(ref _escape, "ESCAPE"),
                    "encoding" => _token.Kind == PgSqlTokenKind.String ? SkipEncoding() : "ENCODING needs a string",
                    "force" => SkipForce(),
                    "oids" => "WITH OIDS is not supported",
                    _ => "unknown COPY option " + word,
                };

                if (problem is not null)
                {
                    return problem;
                }
            }

            return null;
        }

        private string? SetHeader()
        {
            _header = true;
            return null;
        }

        private string? SkipEncoding()
        {
            string? problem = CheckEncoding(_token.Text);
            Advance();
            return problem;
        }

        /// <summary>FORCE QUOTE cols|*, FORCE NOT NULL cols, FORCE NULL cols: server-side only.</summary>
        private string? SkipForce()
        {
            if (_token.IsWord("not"))
            {
                Advance();
            }

            if (!_token.IsWord("quote") && !_token.IsWord("null"))
            {
                return "expected QUOTE, NOT NULL or NULL after FORCE";
            }

            Advance();
            if (_token.IsSymbol('*'))
            {
                Advance();
                return null;
            }

            return ParseNameList(new List<string>());
        }

        private string? SetFormat(string? format)
        {
            if (_formatSet)
            {
                return "conflicting or redundant FORMAT";
            }

            _formatSet = true;
            switch (format?.ToLowerInvariant())
            {
                case "text":
                    _format = PgCopyFormat.Text;
                    return null;
                case "csv":
                    _format = PgCopyFormat.Csv;
                    return null;
                case "binary":
                    _format = PgCopyFormat.Binary;
                    return null;
                default:
                    return "unknown COPY format";
            }
        }

        private string? SetString(ref string? target, string option)
        {
            if (_token.Kind != PgSqlTokenKind.String)
            {
                return option + " needs a string";
            }

            if (target is not null)
            {
                return "conflicting or redundant " + option;
            }

            target = _token.Text;
            Advance();
            return null;
        }

        private static string? SetArgument(ref string? target, PgSqlToken argument, string option)
        {
            if (argument.Kind != PgSqlTokenKind.String)
            {
                return option + " needs a string";
            }

            if (target is not null)
            {
                return "conflicting or redundant " + option;
            }

            target = argument.Text;
            return null;
        }

        private string? CheckEncoding(string? encoding)
        {
            string normalized = (encoding ?? string.Empty).Replace("-", string.Empty, StringComparison.Ordinal)
                .Replace("_", string.Empty, StringComparison.Ordinal).ToLowerInvariant();
            if (normalized is not ("utf8" or "unicode"))
            {
                _encodingProblem ??= "ENCODING other than UTF8 is not supported";
            }

            return null;
        }

        private static bool? Boolean(PgSqlToken argument)
        {
            string text = argument.Text.ToLowerInvariant();
            return argument.Kind switch
            {
                PgSqlTokenKind.Word or PgSqlTokenKind.String => text switch
                {
                    "true" or "on" or "t" or "yes" or "y" or "1" => true,
                    "false" or "off" or "f" or "no" or "n" or "0" => false,
                    // MATCH checks the header against the table: COPY FROM only, where it still means a header.
                    "match" => true,
                    _ => null,
                },
                PgSqlTokenKind.Number => text switch
                {
                    "1" => true,
                    "0" => false,
                    _ => null,
                },
                _ => null,
            };
        }
    }
}
