using Sluice.Core.Configuration;
using Sluice.Core.Identity;
using Sluice.Core.Policy;

namespace Sluice.Core.Tests.Policy;

public sealed class AccessPolicyTests
{
    private static readonly AccessPolicy Policy = new(
    [
        new AccessRule { Connections = ["demo"], Identities = ["alice"], Groups = ["demo-users"] },
        new AccessRule { Connections = ["reports", "demo"], Groups = ["etl"] },
        new AccessRule { Connections = ["billing"], Identities = ["bob"] },
    ]);

    private static Principal Caller(string subject, params string[] groups) =>
        new(subject, groups, AuthenticationMethod.Oidc, "https://idp.example.com/", null);

    [Theory]
    [InlineData("demo", true)]
    [InlineData("reports", false)]
    [InlineData("billing", false)]
    public void Identity_match_allows_only_named_connections(string connection, bool allowed) =>
        Assert.Equal(allowed, Policy.Allows(Caller("alice"), connection));

    [Theory]
    [InlineData("demo", true)]
    [InlineData("reports", true)]
    [InlineData("billing", false)]
    public void Any_matching_group_allows(string connection, bool allowed) =>
        Assert.Equal(allowed, Policy.Allows(Caller("svc", "unrelated", "etl"), connection));

    [Fact]
    public void Rules_for_one_connection_combine()
    {
        Assert.True(Policy.Allows(Caller("x", "demo-users"), "demo"));
        Assert.True(Policy.Allows(Caller("x", "etl"), "demo"));
        Assert.False(Policy.Allows(Caller("x", "demo-users"), "reports"));
    }

    [Fact]
    public void Default_is_deny()
    {
        Assert.False(Policy.Allows(Caller("mallory", "guests"), "demo"));
        Assert.False(Policy.Allows(Caller("alice"), "unknown-connection"));
        Assert.False(new AccessPolicy([]).Allows(Caller("alice", "etl"), "demo"));
    }

    [Fact]
    public void Matching_is_exact_and_case_sensitive()
    {
        Assert.False(Policy.Allows(Caller("Alice"), "demo"));
        Assert.False(Policy.Allows(Caller("alice"), "Demo"));
        Assert.False(Policy.Allows(Caller("x", "ETL"), "reports"));
    }

    [Fact]
    public void Group_named_like_an_identity_does_not_match_identities()
    {
        Assert.False(Policy.Allows(Caller("x", "bob"), "billing"));
        Assert.True(Policy.Allows(Caller("bob"), "billing"));
    }

    [Fact]
    public void Api_key_principal_is_judged_the_same_way()
    {
        var principal = new Principal("nightly-export", ["etl"], AuthenticationMethod.ApiKey, "api-key", null);

        Assert.True(Policy.Allows(principal, "reports"));
        Assert.False(Policy.Allows(principal, "billing"));
    }
}
