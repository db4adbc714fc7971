namespace Sluice.Protocols.Postgres;

/// <summary>Kinds of token <see cref="PgSqlTokenizer"/> produces.</summary>
internal enum PgSqlTokenKind
{
    /// <summary>Nothing left but whitespace and comments.</summary>
    End,

    /// <summary>Unquoted identifier or keyword, folded to lower case as the server folds it.</summary>
    Word,

    /// <summary>Double-quoted identifier, kept as written.</summary>
    QuotedIdentifier,

    /// <summary>String constant ('..', E'..', $tag$..$tag$) with its value decoded.</summary>
    String,

    /// <summary>Numeric constant.</summary>
    Number,

    /// <summary>One punctuation or operator character.</summary>
    Symbol,

    /// <summary>Something the tokenizer does not understand (unterminated literal, U&amp; strings, ...).</summary>
    Error,
}

/// <summary>One token: its kind, its decoded text, and where it sits in the statement.</summary>
internal readonly record struct PgSqlToken(PgSqlTokenKind Kind, string Text, int Start, int End)
{
    public bool IsWord(string word) => Kind == PgSqlTokenKind.Word && Text == word;

    public bool IsSymbol(char symbol) => Kind == PgSqlTokenKind.Symbol && Text.Length == 1 && Text[0] == symbol;
}
