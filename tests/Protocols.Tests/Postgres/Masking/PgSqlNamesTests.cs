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
        Assert.Equal(["from", "select", "t", "x"], names.Order(StringComparer.Ordinal).ToArray());
    }

    [Fact]
    public void Collect_LeavesNumbersOut_SoLiteralKeysAreNotLookedUp()
    {
        var names = PgSqlNames.Collect("SELECT abalance FROM pgbench_accounts WHERE aid = 731055 AND x > 2.5e10");
        Assert.Equal(
            ["abalance", "aid", "and", "e10", "from", "pgbench_accounts", "select", "where", "x"],
            names.Order(StringComparer.Ordinal).ToArray());
    }

    [Theory]
    [InlineData("SELECT * FROM t2", "t2")]
    [InlineData("SELECT * FROM 1customers", "customers")]
    [InlineData("SELECT '42customers'", "customers")]
    [InlineData("SELECT * FROM \"42\"", "42")]
    public void Collect_KeepsNamesNextToDigits(string sql, string expected) =>
        Assert.Contains(expected, PgSqlNames.Collect(sql));
}
