using Sluice.Core.Sql;

namespace Sluice.Core.Tests.Sql;

public sealed class SqlClassifierTruncateTests
{
    [Theory]
    [InlineData("TRUNCATE tickets")]
    [InlineData("truncate table public.tickets, other RESTART IDENTITY")]
    public void Truncate_IsAWriteWithoutWhere(string sql)
    {
        var statement = Assert.Single(SqlClassifier.Classify(sql));
        Assert.Equal(StatementClass.Write, statement.Class);
        Assert.True(statement.IsWriteWithoutWhere);
    }
}
