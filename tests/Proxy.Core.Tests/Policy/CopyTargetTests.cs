using Sluice.Core.Policy;

namespace Sluice.Core.Tests.Policy;

public sealed class CopyTargetTests
{
    [Theory]
    [InlineData("COPY t FROM PROGRAM 'cat /etc/passwd'")]
    [InlineData("copy t to program 'gzip > /tmp/x'")]
    [InlineData("COPY t TO '/tmp/out.csv'")]
    [InlineData("COPY public.t (a, b) FROM E'/tmp/in\\'s.csv'")]
    [InlineData("COPY (SELECT 'to stdout' FROM x) TO '/tmp/q'")]
    [InlineData("COPY /* to stdout */ t -- from stdin\n TO PROGRAM 'sh'")]
    [InlineData("COPY (SELECT $$ ) to stdout $$) TO PROGRAM 'sh'")]
    [InlineData("COPY \"to\" FROM '/data'")]
    [InlineData("COPY t")]
    public void Server_side_copy_is_recognised(string text) => Assert.True(CopyTarget.IsServerSide(text));

    [Theory]
    [InlineData("COPY t TO STDOUT")]
    [InlineData("copy t from stdin with (format csv)")]
    [InlineData("COPY t (a, b) FROM STDIN")]
    [InlineData("COPY (SELECT 'PROGRAM' FROM y WHERE z = 'x') TO STDOUT (FORMAT binary)")]
    [InlineData("COPY (SELECT a FROM b) TO STDOUT")]
    [InlineData("SELECT 1")]
    public void Client_side_copy_is_not(string text) => Assert.False(CopyTarget.IsServerSide(text));
}
