using Sluice.Core.Policy;

namespace Sluice.Core.Tests.Policy;

public sealed class NameGlobTests
{
    [Theory]
    [InlineData("dblink*", "dblink", true)]
    [InlineData("dblink*", "DBLINK_exec", true)]
    [InlineData("*keys", "api_keys", true)]
    [InlineData("*_*_*", "a_b_c", true)]
    [InlineData("a*b*c", "aXbYbZc", true)]
    [InlineData("a?c", "abc", true)]
    [InlineData("a?c", "ac", false)]
    [InlineData("*", "", true)]
    [InlineData("abc", "abcd", false)]
    [InlineData("*x", "xyz", false)]
    public void Wildcards_match_without_regard_to_case(string pattern, string text, bool expected) =>
        Assert.Equal(expected, NameGlob.Matches(pattern, text));
}
