using System.Security.Cryptography;
using System.Text;
using Sluice.Core.Identity;

namespace Sluice.Core.Tests.Identity;

public sealed class ApiKeysTests
{
    [Fact]
    public void Generated_keys_are_prefixed_random_base64url()
    {
        var a = ApiKeys.Generate();
        var b = ApiKeys.Generate();

        Assert.NotEqual(a, b);
        Assert.StartsWith("slk_", a, StringComparison.Ordinal);
        Assert.Equal(4 + 43, a.Length);
        Assert.All(a[4..], c => Assert.True(char.IsAsciiLetterOrDigit(c) || c is '-' or '_'));
        Assert.False(TokenAuthenticator.LooksLikeJwt(a));
    }

    [Fact]
    public void Hash_is_sha256_of_utf8()
    {
        Assert.Equal(SHA256.HashData(Encoding.UTF8.GetBytes("slk_é")), ApiKeys.Hash("slk_é"));
        Assert.Equal(
            "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824", ApiKeys.HashHex("hello"));
    }
}
