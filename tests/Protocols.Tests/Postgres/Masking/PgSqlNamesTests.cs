using Sluice.Protocols.Postgres;

namespace Sluice.Protocols.Tests.Postgres.Masking;

public sealed class PgSqlNamesTests
{
    [Theory]
    [InlineData("SELECT ssn FROM customers", "customers")]
    [InlineData("select * from CUSTOMERS", "customers")]
    [InlineData("SELECT * FROM \"Customers\"", "Customers")]
    [InlineData("SELECT * FROM public.customers c", "customers")]
    [InlineData("SELECT query_to_xml('select ssn from customers', true, false, '')", "customers")]
    [InlineData("SELECT $q$ select * from customers $q$", "customers")]
    [InlineData("SELECT 1 /* customers */", "customers")]
    [InlineData("SELECT '\"' AS q, upper(ssn) FROM customers -- \"", "customers")]
    [InlineData("SELECT \"a\"\"b\" FROM t", "a\"b")]
    public void Collect_FindsEveryMention_WhereverItStands(string sql, string expected) =>
        Assert.Contains(expected, PgSqlNames.Collect(sql));

    [Fact]
    public void Collect_DoesNotInventNames()
    {
        var names = PgSqlNames.Collect("SELECT 42, 'x' FROM t");
        Assert.Equal(["42", "from", "select", "t", "x"], names.Order(StringComparer.Ordinal).ToArray());
    }

    [Theory]
    [InlineData("SELECT 1; SELECT 2", 2)]
    [InlineData("SELECT 1; SELECT 2;", 2)]
    [InlineData("SELECT ';'; SELECT 2", 2)]
    [InlineData("SELECT $$a;b$$; SELECT 2", 2)]
    [InlineData("SELECT $tag$ ; $x$ ; $tag$", 1)]
    [InlineData("SELECT 1 /* ; */ ; SELECT 2 -- ;\n", 2)]
    [InlineData("SELECT E'\\';'; SELECT 2", 2)]
    [InlineData("SELECT \"a;b\" FROM t; SELECT 2", 2)]
    [InlineData("CREATE RULE r AS ON INSERT TO t DO ALSO (INSERT INTO a VALUES (1); INSERT INTO b VALUES (2)); SELECT 1", 2)]
    [InlineData("SELECT 1", 1)]
    public void SplitStatements_SplitsAtTopLevelSemicolonsOnly(string sql, int count) =>
        Assert.Equal(count, PgSqlNames.SplitStatements(sql)!.Count);

    [Fact]
    public void SplitStatements_RefusesToSplitBeginAtomicBodies() =>
        Assert.Null(PgSqlNames.SplitStatements(
            "CREATE FUNCTION f() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1; SELECT 2; END; SELECT ssn FROM customers"));
}
