namespace Sluice.Core.Sql;

/// <summary>The lexical category of a <see cref="SqlToken"/>.</summary>
internal enum SqlTokenKind : byte
{
    /// <summary>An unquoted identifier or keyword; the value is folded.</summary>
    Word,

    /// <summary>A delimited identifier; the value is its name with escapes resolved.</summary>
    QuotedIdentifier,

    /// <summary>A quoted string constant of any form (plain, E, U&amp;, B, X, N).</summary>
    String,

    /// <summary>A dollar-quoted string: usually a code body.</summary>
    DollarString,

    /// <summary>A numeric constant.</summary>
    Number,

    /// <summary>A positional parameter such as <c>$1</c>.</summary>
    Parameter,

    /// <summary>One of <c>( ) [ ] , ; .</c>.</summary>
    Punctuation,

    /// <summary>A run of operator characters.</summary>
    Operator,

    /// <summary>Text the lexer cannot read with certainty; it runs to the end of the input.</summary>
    Error,
}

/// <summary>One token: where it lies in the text and its folded value (for errors, the reason).</summary>
internal readonly record struct SqlToken(SqlTokenKind Kind, int Start, int End, string Value)
{
    public bool IsWord(string folded) => Kind == SqlTokenKind.Word && Value == folded;

    public bool IsPunctuation(char c) => Kind == SqlTokenKind.Punctuation && Value.Length == 1 && Value[0] == c;

    public bool IsLiteral => Kind is SqlTokenKind.String or SqlTokenKind.DollarString or SqlTokenKind.Number;
}
