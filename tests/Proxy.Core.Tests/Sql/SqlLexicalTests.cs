using Sluice.Core.Sql;

namespace Sluice.Core.Tests.Sql;

public sealed class SqlLexicalTests
{
    [Theory]
    [InlineData("SELECT 'abc", "unterminated string constant")]
    [InlineData("SELECT E'abc\\'", "unterminated string constant")]
    [InlineData("SELECT \"abc", "unterminated quoted identifier")]
    [InlineData("SELECT \"\" FROM t", "zero-length quoted identifier")]
    [InlineData("SELECT 1 /* open", "unterminated comment")]
    [InlineData("SELECT 1 /* /* */", "unterminated comment")]
    [InlineData("SELECT $x$ body", "unterminated dollar-quoted string")]
    [InlineData("SELECT $", "stray character U+0024")]
    [InlineData("SELECT 1 \u0001", "stray character U+0001")]
    [InlineData("SELECT {1}", "stray character U+007B")]
    [InlineData("SELECT U&\"\\zzzz\"", "invalid Unicode escape in quoted identifier")]
    [InlineData("SELECT U&\"a!0061\" UESCAPE '+'", "invalid Unicode escape in quoted identifier")]
    public void Lexical_problems_make_the_rest_of_the_text_unknown(string sql, string reason)
    {
        SqlStatement statement = SqlClassifier.Classify(sql + "; DELETE FROM t")[^1];
        Assert.Equal(StatementClass.Unknown, statement.Class);
        Assert.Equal(reason, statement.Uncertainty);
        Assert.Empty(statement.Relations);
    }

    [Theory]
    [InlineData("SELECT 'it''s'", 1)]
    [InlineData("SELECT E'it\\'s', e'\\\\'", 1)]
    [InlineData("SELECT U&'d\\0061t\\+000061', U&'d!0061t' UESCAPE '!'", 1)]
    [InlineData("SELECT B'1010', X'1F', N'text'", 1)]
    [InlineData("SELECT $$a'b$$, $tag$ $$ $tag$, $1", 1)]
    [InlineData("SELECT a$b$c FROM t$", 1)]
    [InlineData("SELECT \"a\"\"b\" FROM \"t;u\"", 1)]
    [InlineData("SELECT 'a' 'b'; SELECT 1.5e-3, .5, 0x1F", 2)]
    [InlineData("SELECT 1 +-- comment\n2", 1)]
    [InlineData("SELECT '\\\\'", 1)]
    public void Reads_every_constant_form(string sql, int count)
    {
        IReadOnlyList<SqlStatement> statements = SqlClassifier.Classify(sql);
        Assert.Equal(count, statements.Count);
        Assert.All(statements, s => Assert.Null(s.Uncertainty));
        Assert.All(statements, s => Assert.Equal(StatementClass.Read, s.Class));
    }

    [Fact]
    public void An_identifier_with_a_dollar_does_not_start_a_dollar_quote()
    {
        IReadOnlyList<SqlStatement> statements =
            SqlClassifier.Classify("SELECT x$y$ FROM a; DELETE FROM t; SELECT $y$");
        Assert.Equal(StatementClass.Write, statements[1].Class);
        Assert.Equal(StatementClass.Unknown, statements[2].Class);
    }

    [Fact]
    public void Quoted_identifier_names_keep_case_and_resolve_escapes()
    {
        SqlStatement statement = Assert.Single(SqlClassifier.Classify(
            "SELECT * FROM \"My\"\"Tab\", U&\"d\\0061ta\", Plain"));
        Assert.Equal(["My\"Tab", "data", "plain"], statement.Relations.Select(r => r.Name));
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData(";;;")]
    [InlineData("-- only a comment")]
    [InlineData("/* c */ ; /* d */")]
    public void Empty_statements_are_dropped(string sql)
    {
        Assert.Empty(SqlClassifier.Classify(sql));
    }

    [Fact]
    public void Text_is_the_statement_as_sent_without_surrounding_comments()
    {
        IReadOnlyList<SqlStatement> statements = SqlClassifier.Classify(
            "/* lead */ SELECT /* keep */ 1 ; \n  DELETE FROM t -- tail");
        Assert.Equal("SELECT /* keep */ 1", statements[0].Text);
        Assert.Equal("DELETE FROM t", statements[1].Text);
    }

    // Found by fuzzing: statement text was trimmed with string.Trim(), which also removes characters the server
    // reads as part of an identifier, so a statement of such a name had empty text.
    [Theory]
    [InlineData("SELECT 1 FROM t\u00A0", "SELECT 1 FROM t\u00A0")]
    [InlineData("DROP TABLE \u2028", "DROP TABLE \u2028")]
    [InlineData(" \t\nSELECT 1 \r\n", "SELECT 1")]
    public void Statement_text_keeps_every_character_of_its_tokens(string sql, string text) =>
        Assert.Equal(text, Assert.Single(SqlClassifier.Classify(sql)).Text);

    [Fact]
    public void A_statement_of_one_non_ascii_identifier_has_that_text()
    {
        IReadOnlyList<SqlStatement> statements = SqlClassifier.Classify("S;\u2028; ON5");
        Assert.Equal(["S", "\u2028", "ON5"], statements.Select(s => s.Text));
    }
}
