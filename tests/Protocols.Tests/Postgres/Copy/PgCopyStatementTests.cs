using Sluice.Protocols.Postgres;

namespace Sluice.Protocols.Tests.Postgres.Copy;

/// <summary>Parsing COPY statements as clients send them.</summary>
public sealed class PgCopyStatementTests
{
    [Fact]
    public void PlainCopyToStdout_IsTextWithDefaults()
    {
        PgCopyStatement statement = Parse("COPY t TO STDOUT");

        Assert.True(statement.IsTo);
        Assert.True(statement.IsToStdout);
        Assert.False(statement.IsFromStdin);
        Assert.False(statement.IsProgramOrFile);
        Assert.Null(statement.Schema);
        Assert.Equal("t", statement.Table);
        Assert.Null(statement.Columns);
        Assert.Null(statement.Query);
        Assert.Null(statement.UnsupportedReason);
        AssertOptions(statement.Options, PgCopyFormat.Text, '\t', "\\N", header: false);
    }

    [Fact]
    public void QualifiedTableQuotedColumnsAndNewOptions()
    {
        PgCopyStatement statement = Parse(
            "COPY s.t (a, \"B c\") TO STDOUT WITH (FORMAT csv, HEADER true, DELIMITER ';')");

        Assert.Equal("s", statement.Schema);
        Assert.Equal("t", statement.Table);
        Assert.Equal(["a", "B c"], statement.Columns!);
        Assert.Null(statement.UnsupportedReason);
        AssertOptions(statement.Options, PgCopyFormat.Csv, ';', string.Empty, header: true);
        Assert.Equal((byte)'"', statement.Options.Quote);
        Assert.Equal((byte)'"', statement.Options.Escape);
    }

    [Fact]
    public void QueryCopy_KeepsTheInnerQueryText()
    {
        PgCopyStatement statement = Parse(
            "COPY (SELECT id, f(x) AS \"a)b\", ')' FROM t WHERE (y > 1)) TO STDOUT (FORMAT binary)");

        Assert.Equal("SELECT id, f(x) AS \"a)b\", ')' FROM t WHERE (y > 1)", statement.Query);
        Assert.Null(statement.Table);
        Assert.Equal(PgCopyFormat.Binary, statement.Options.Format);
        Assert.Null(statement.UnsupportedReason);
    }

    [Theory]
    [InlineData("COPY t TO STDOUT CSV HEADER", PgCopyFormat.Csv, ',', "", true)]
    [InlineData("copy t to stdout with csv header quote as '''' escape as '\\' null as 'NIL'", PgCopyFormat.Csv,
        ',', "NIL", true)]
    [InlineData("COPY t TO STDOUT WITH DELIMITER AS '|' NULL AS ''", PgCopyFormat.Text, '|', "", false)]
    [InlineData("COPY BINARY t TO STDOUT", PgCopyFormat.Binary, '\t', "\\N", false)]
    [InlineData("COPY t TO STDOUT WITH BINARY", PgCopyFormat.Binary, '\t', "\\N", false)]
    [InlineData("COPY t TO STDOUT CSV FORCE QUOTE a, b", PgCopyFormat.Csv, ',', "", false)]
    [InlineData("COPY t TO STDOUT USING DELIMITERS ','", PgCopyFormat.Text, ',', "\\N", false)]
    [InlineData("COPY t TO STDOUT (FORMAT 'csv', DELIMITER E'\\t', FORCE_QUOTE *, ENCODING 'UTF-8')", PgCopyFormat.Csv,
        '\t', "", false)]
    [InlineData("COPY t TO STDOUT (HEADER, NULL $$-$$)", PgCopyFormat.Text, '\t', "-", true)]
    [InlineData("COPY t TO STDOUT (HEADER off, FORMAT text)", PgCopyFormat.Text, '\t', "\\N", false)]
    public void OptionSyntaxes(string sql, PgCopyFormat format, char delimiter, string nullString, bool header)
    {
        PgCopyStatement statement = Parse(sql);

        Assert.Null(statement.UnsupportedReason);
        AssertOptions(statement.Options, format, delimiter, nullString, header);
    }

    [Fact]
    public void OldSyntaxQuoteAndEscape()
    {
        PgCopyOptions options = Parse("COPY t TO STDOUT CSV QUOTE AS '''' ESCAPE AS '\\'").Options;

        Assert.Equal((byte)'\'', options.Quote);
        Assert.Equal((byte)'\\', options.Escape);
    }

    [Fact]
    public void CopyFromStdin()
    {
        PgCopyStatement statement = Parse("COPY t (a) FROM STDIN WITH (FORMAT csv) WHERE a > 1;");

        Assert.False(statement.IsTo);
        Assert.True(statement.IsFromStdin);
        Assert.False(statement.IsToStdout);
        Assert.Null(statement.UnsupportedReason);
    }

    [Theory]
    [InlineData("COPY t TO '/tmp/x'", false)]
    [InlineData("COPY t FROM '/tmp/x'", false)]
    [InlineData("COPY t TO PROGRAM 'gzip > /tmp/x'", true)]
    public void ServerSideFileOrProgram(string sql, bool program)
    {
        PgCopyStatement statement = Parse(sql);

        Assert.True(statement.IsProgramOrFile);
        Assert.Equal(program, statement.IsProgram);
        Assert.False(statement.IsToStdout);
        Assert.False(statement.IsFromStdin);
        Assert.Null(statement.UnsupportedReason);
    }

    [Fact]
    public void IdentifiersFoldUnlessQuotedAndCommentsAreSkipped()
    {
        PgCopyStatement statement = Parse(
            "-- export\n /* outer /* nested */ still comment */ CoPy Public.\"MixedCase\"\"Q\" (Id, \"Name\") \n"
            + "to /* here */ StdOut ; -- done");

        Assert.Equal("public", statement.Schema);
        Assert.Equal("MixedCase\"Q", statement.Table);
        Assert.Equal(["id", "Name"], statement.Columns!);
        Assert.True(statement.IsToStdout);
        Assert.Null(statement.UnsupportedReason);
    }

    [Theory]
    [InlineData("SELECT 1")]
    [InlineData("  -- copy\n SELECT 'COPY t TO STDOUT'")]
    [InlineData("copyx t TO STDOUT")]
    [InlineData("")]
    public void NotACopy_ReturnsFalse(string sql)
    {
        Assert.False(PgCopyStatement.TryParse(sql, out PgCopyStatement? statement));
        Assert.Null(statement);
    }

    [Theory]
    [InlineData("COPY t TO STDOUT; SELECT 1")]
    [InlineData("COPY t TO STDOUT (ENCODING 'LATIN1')")]
    [InlineData("COPY t TO STDOUT WITH OIDS")]
    [InlineData("COPY t TO STDOUT (FORMAT xml)")]
    [InlineData("COPY t TO STDOUT (FORMAT binary, DELIMITER ',')")]
    [InlineData("COPY t TO STDOUT (FORMAT binary, HEADER)")]
    [InlineData("COPY t TO STDOUT (DELIMITER 'ab')")]
    [InlineData("COPY t TO STDOUT (DELIMITER 'é')")]
    [InlineData("COPY t TO STDOUT (QUOTE '''')")]
    [InlineData("COPY t TO STDOUT (FORMAT csv, QUOTE ',')")]
    [InlineData("COPY t TO STDOUT (FORMAT csv, FORMAT text)")]
    [InlineData("COPY t TO STDOUT (BOGUS 1)")]
    [InlineData("COPY t TO STDOUT (DELIMITER 'a')")]
    [InlineData("COPY (SELECT 1 TO STDOUT")]
    [InlineData("COPY t TO STDOUT WHERE a > 1")]
    [InlineData("COPY")]
    [InlineData("COPY t TO STDOUT (NULL 'a\nb')")]
    [InlineData("COPY t TO STDOUT (FORMAT csv, DELIMITER U&'\\0041')")]
    public void CopyThatCannotBeMasked_ReportsAReason(string sql)
    {
        PgCopyStatement statement = Parse(sql);

        Assert.False(string.IsNullOrEmpty(statement.UnsupportedReason));
    }

    [Fact]
    public void SupportedOptions_AlwaysBuildARewriter()
    {
        foreach (string sql in new[]
        {
            "COPY t TO STDOUT (FORMAT csv, DELIMITER '|', QUOTE '''', ESCAPE '\\', NULL 'x', HEADER)",
            "COPY t TO STDOUT (DELIMITER ',', NULL '')",
            "COPY t TO STDOUT (FORMAT binary)",
        })
        {
            PgCopyStatement statement = Parse(sql);
            Assert.Null(statement.UnsupportedReason);
            _ = new PgCopyRowRewriter(statement.Options, 3);
        }
    }

    private static PgCopyStatement Parse(string sql)
    {
        Assert.True(PgCopyStatement.TryParse(sql, out PgCopyStatement? statement));
        return statement!;
    }

    private static void AssertOptions(
        PgCopyOptions options, PgCopyFormat format, char delimiter, string nullString, bool header)
    {
        Assert.Equal(format, options.Format);
        if (format != PgCopyFormat.Binary)
        {
            Assert.Equal((byte)delimiter, options.Delimiter);
            Assert.Equal(nullString, options.Null);
        }

        Assert.Equal(header, options.Header);
    }
}
