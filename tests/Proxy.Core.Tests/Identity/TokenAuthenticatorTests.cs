using System.Security.Cryptography;
using System.Text;
using Sluice.Core.Configuration;
using Sluice.Core.Identity;
using Sluice.Core.Tests.Configuration;

namespace Sluice.Core.Tests.Identity;

public sealed class TokenAuthenticatorTests : IDisposable
{
    private const string Issuer = "https://idp.example.com/";

    // Long before the machine's clock: a validation that read the real clock would see every token as expired.
    private static readonly DateTimeOffset Start = new(2020, 1, 1, 12, 0, 0, TimeSpan.Zero);

    // Generated once: RSA key generation dominates the run time otherwise.
    private static readonly TestKey Rsa = TestKey.CreateRsa("rsa-1");
    private static readonly TestKey Ec = TestKey.CreateEc("ec-1");

    private readonly TempFolder _folder = new();
    private readonly ManualTimeProvider _time = new(Start);
    private readonly string _jwksPath;

    public TokenAuthenticatorTests()
    {
        _jwksPath = _folder.Write("jwks.json", TestKey.Jwks(Rsa, Ec));
    }

    public void Dispose() => _folder.Dispose();

    private TokenAuthenticator Authenticator(
        string groupsClaim = "groups", IReadOnlyList<ApiKeyConfig>? apiKeys = null)
    {
        var config = new IdentityConfig
        {
            ClockSkew = TimeSpan.FromSeconds(30),
            Issuers =
            [
                new OidcIssuerConfig
                {
                    Issuer = Issuer, Audiences = ["sluice", "other"], JwksFile = _jwksPath, GroupsClaim = groupsClaim,
                },
            ],
            ApiKeys = apiKeys ?? [],
        };
        return new TokenAuthenticator(config, null, _time);
    }

    private static async Task<AuthenticationResult> Authenticate(TokenAuthenticator authenticator, string credential)
    {
        using (authenticator)
        {
            return await authenticator.AuthenticateAsync(credential, CancellationToken.None);
        }
    }

    private static void AssertFailure(AuthenticationResult result, AuthenticationFailure failure)
    {
        Assert.False(result.Succeeded);
        Assert.Null(result.Principal);
        Assert.Equal(failure, result.Failure);
    }

    [Fact]
    public async Task Valid_RS256_token_gives_principal()
    {
        var token = Rsa.Mint(Issuer, Start, groups: new[] { "demo", "ops" });

        var result = await Authenticate(Authenticator(), token);

        Assert.True(result.Succeeded, result.Detail);
        var principal = result.Principal!;
        Assert.Equal("alice", principal.Subject);
        Assert.Equal(["demo", "ops"], principal.Groups);
        Assert.Equal(AuthenticationMethod.Oidc, principal.Method);
        Assert.Equal(Issuer, principal.Issuer);
        Assert.Equal(Start + TimeSpan.FromMinutes(5), principal.ExpiresAt);
    }

    [Fact]
    public async Task Valid_ES256_token_gives_principal()
    {
        var token = Ec.Mint(Issuer, Start, audience: "other", subject: "svc-etl");

        var result = await Authenticate(Authenticator(), token);

        Assert.True(result.Succeeded, result.Detail);
        Assert.Equal("svc-etl", result.Principal!.Subject);
        Assert.Empty(result.Principal.Groups);
    }

    [Fact]
    public async Task Expired_token_is_refused()
    {
        var token = Rsa.Mint(Issuer, Start);
        _time.Advance(TimeSpan.FromMinutes(5) + TimeSpan.FromSeconds(31));

        AssertFailure(await Authenticate(Authenticator(), token), AuthenticationFailure.Expired);
    }

    [Fact]
    public async Task Expiry_within_clock_skew_is_accepted()
    {
        var token = Rsa.Mint(Issuer, Start);
        _time.Advance(TimeSpan.FromMinutes(5) + TimeSpan.FromSeconds(29));

        Assert.True((await Authenticate(Authenticator(), token)).Succeeded);
    }

    [Fact]
    public async Task Token_not_yet_valid_is_refused()
    {
        var token = Rsa.Mint(
            Issuer, Start, notBeforeOffset: TimeSpan.FromSeconds(31), lifetime: TimeSpan.FromHours(1));

        AssertFailure(await Authenticate(Authenticator(), token), AuthenticationFailure.NotYetValid);
    }

    [Fact]
    public async Task Not_before_within_clock_skew_is_accepted()
    {
        var token = Rsa.Mint(
            Issuer, Start, notBeforeOffset: TimeSpan.FromSeconds(29), lifetime: TimeSpan.FromHours(1));

        Assert.True((await Authenticate(Authenticator(), token)).Succeeded);
    }

    [Fact]
    public async Task Token_without_expiry_is_refused()
    {
        var token = Rsa.Mint(Issuer, Start, withExpiry: false);

        AssertFailure(await Authenticate(Authenticator(), token), AuthenticationFailure.Malformed);
    }

    [Fact]
    public async Task Unknown_issuer_is_refused()
    {
        var token = Rsa.Mint("https://evil.example.com/", Start);

        AssertFailure(await Authenticate(Authenticator(), token), AuthenticationFailure.UnknownIssuer);
    }

    [Fact]
    public async Task Wrong_audience_is_refused()
    {
        var token = Rsa.Mint(Issuer, Start, audience: "someone-else");

        AssertFailure(await Authenticate(Authenticator(), token), AuthenticationFailure.WrongAudience);
    }

    [Fact]
    public async Task Missing_subject_is_refused()
    {
        var token = Rsa.Mint(Issuer, Start, subject: null);

        AssertFailure(await Authenticate(Authenticator(), token), AuthenticationFailure.MissingSubject);
    }

    [Fact]
    public async Task Unsigned_token_is_refused()
    {
        var exp = (Start + TimeSpan.FromMinutes(5)).ToUnixTimeSeconds();
        var token = TestKey.B64("""{"alg":"none","typ":"JWT"}""") + "."
            + TestKey.B64($$"""{"iss":"{{Issuer}}","aud":"sluice","sub":"alice","exp":{{exp}}}""") + ".";

        AssertFailure(await Authenticate(Authenticator(), token), AuthenticationFailure.UnsupportedAlgorithm);
    }

    [Fact]
    public async Task HS256_signed_with_the_RSA_public_key_is_refused()
    {
        var exp = (Start + TimeSpan.FromMinutes(5)).ToUnixTimeSeconds();
        var signingInput = TestKey.B64("""{"alg":"HS256","typ":"JWT","kid":"rsa-1"}""") + "."
            + TestKey.B64($$"""{"iss":"{{Issuer}}","aud":"sluice","sub":"alice","exp":{{exp}}}""");
        var publicKeyPem = Encoding.ASCII.GetBytes(Rsa.Rsa!.ExportSubjectPublicKeyInfoPem());
        var mac = HMACSHA256.HashData(publicKeyPem, Encoding.ASCII.GetBytes(signingInput));
        var token = signingInput + "." + TestKey.B64(mac);

        AssertFailure(await Authenticate(Authenticator(), token), AuthenticationFailure.UnsupportedAlgorithm);
    }

    [Fact]
    public async Task Unknown_key_id_is_refused()
    {
        var stranger = TestKey.CreateRsa("not-published");

        AssertFailure(
            await Authenticate(Authenticator(), stranger.Mint(Issuer, Start)), AuthenticationFailure.UnknownSigningKey);
    }

    [Fact]
    public async Task Key_with_a_published_kid_but_other_material_is_a_bad_signature()
    {
        var impostor = TestKey.CreateRsa("rsa-1");

        AssertFailure(
            await Authenticate(Authenticator(), impostor.Mint(Issuer, Start)), AuthenticationFailure.BadSignature);
    }

    [Fact]
    public async Task Tampered_payload_is_a_bad_signature()
    {
        var parts = Rsa.Mint(Issuer, Start).Split('.');
        var exp = (Start + TimeSpan.FromMinutes(5)).ToUnixTimeSeconds();
        parts[1] = TestKey.B64($$"""{"iss":"{{Issuer}}","aud":"sluice","sub":"root","exp":{{exp}}}""");

        AssertFailure(
            await Authenticate(Authenticator(), string.Join('.', parts)), AuthenticationFailure.BadSignature);
    }

    [Fact]
    public async Task Replacing_the_jwks_file_rotates_keys()
    {
        using var authenticator = Authenticator();
        var oldToken = Rsa.Mint(Issuer, Start);
        Assert.True((await authenticator.AuthenticateAsync(oldToken, CancellationToken.None)).Succeeded);

        var next = TestKey.CreateRsa("rsa-2");
        File.WriteAllText(_jwksPath, TestKey.Jwks(next));
        File.SetLastWriteTimeUtc(_jwksPath, DateTime.UtcNow.AddSeconds(5));

        var newResult = await authenticator.AuthenticateAsync(next.Mint(Issuer, Start), CancellationToken.None);
        Assert.True(newResult.Succeeded, newResult.Detail);
        AssertFailure(
            await authenticator.AuthenticateAsync(oldToken, CancellationToken.None),
            AuthenticationFailure.UnknownSigningKey);
    }

    [Fact]
    public async Task Broken_jwks_replacement_fails_closed()
    {
        using var authenticator = Authenticator();
        File.WriteAllText(_jwksPath, "{ not json");

        AssertFailure(
            await authenticator.AuthenticateAsync(Rsa.Mint(Issuer, Start), CancellationToken.None),
            AuthenticationFailure.KeySourceUnavailable);
    }

    [Fact]
    public void Unreadable_jwks_file_fails_at_construction()
    {
        File.Delete(_jwksPath);

        var ex = Assert.Throws<InvalidOperationException>(() => Authenticator());

        Assert.Contains(_jwksPath, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Token_without_kid_is_checked_against_every_key()
    {
        var token = Ec.WithoutKeyId().Mint(Issuer, Start);
        Assert.DoesNotContain("kid", TestKey.Header(token), StringComparison.Ordinal);

        var result = await Authenticate(Authenticator(), token);

        Assert.True(result.Succeeded, result.Detail);
    }

    [Fact]
    public async Task Groups_claim_as_string_or_array_under_configured_name()
    {
        var single = await Authenticate(
            Authenticator("roles"), Rsa.Mint(Issuer, Start, groups: "admins", groupsClaim: "roles"));
        var many = await Authenticate(
            Authenticator("roles"), Rsa.Mint(Issuer, Start, groups: new[] { "a", "b" }, groupsClaim: "roles"));
        var ignored = await Authenticate(Authenticator("roles"), Rsa.Mint(Issuer, Start, groups: new[] { "x" }));

        Assert.Equal(["admins"], single.Principal!.Groups);
        Assert.Equal(["a", "b"], many.Principal!.Groups);
        Assert.Empty(ignored.Principal!.Groups);
    }

    [Theory]
    [InlineData("", AuthenticationFailure.Empty)]
    [InlineData("abc.def.ghi", AuthenticationFailure.Malformed)]
    [InlineData("not a key", AuthenticationFailure.UnknownApiKey)]
    public async Task Odd_credentials(string credential, AuthenticationFailure failure) =>
        AssertFailure(await Authenticate(Authenticator(), credential), failure);

    [Fact]
    public async Task Api_key_accepted_and_wrong_key_refused()
    {
        var key = ApiKeys.Generate();
        var other = ApiKeys.Generate();
        var keys = new[]
        {
            new ApiKeyConfig { Identity = "other", Sha256 = ApiKeys.Hash(other) },
            new ApiKeyConfig { Identity = "nightly-export", Sha256 = ApiKeys.Hash(key), Groups = ["etl"] },
        };

        var accepted = await Authenticate(Authenticator(apiKeys: keys), key);
        var refused = await Authenticate(Authenticator(apiKeys: keys), ApiKeys.Generate());

        Assert.True(accepted.Succeeded);
        var principal = accepted.Principal!;
        Assert.Equal("nightly-export", principal.Subject);
        Assert.Equal(["etl"], principal.Groups);
        Assert.Equal(AuthenticationMethod.ApiKey, principal.Method);
        Assert.Equal("api-key", principal.Issuer);
        Assert.Null(principal.ExpiresAt);
        AssertFailure(refused, AuthenticationFailure.UnknownApiKey);
    }

    [Fact]
    public async Task Api_key_differing_only_in_its_last_character_or_its_case_is_refused()
    {
        // Only the SHA-256 of a key is stored, and hashes are compared with FixedTimeEquals against every key
        // without stopping at a match, so neither timing nor a near miss says anything about a stored key.
        var key = ApiKeys.Generate();
        var keys = new[] { new ApiKeyConfig { Identity = "robot", Sha256 = ApiKeys.Hash(key) } };
        var lastChanged = key[..^1] + (key[^1] == 'a' ? 'b' : 'a');

        Assert.True((await Authenticate(Authenticator(apiKeys: keys), key)).Succeeded);
        AssertFailure(await Authenticate(Authenticator(apiKeys: keys), lastChanged), AuthenticationFailure.UnknownApiKey);
        AssertFailure(await Authenticate(Authenticator(apiKeys: keys), key.ToUpperInvariant()), AuthenticationFailure.UnknownApiKey);
        AssertFailure(await Authenticate(Authenticator(apiKeys: keys), key + "x"), AuthenticationFailure.UnknownApiKey);
    }

    [Fact]
    public async Task Jwks_token_accepted_once_is_refused_when_replayed_after_expiry_plus_skew()
    {
        // The allowed clock skew is identity.clock_skew: 30 s by default and in these tests.
        using var authenticator = Authenticator();
        var token = Rsa.Mint(Issuer, Start);
        Assert.True((await authenticator.AuthenticateAsync(token, CancellationToken.None)).Succeeded);

        _time.Advance(TimeSpan.FromMinutes(5) + TimeSpan.FromSeconds(30));
        Assert.True((await authenticator.AuthenticateAsync(token, CancellationToken.None)).Succeeded);

        _time.Advance(TimeSpan.FromSeconds(1));
        AssertFailure(await authenticator.AuthenticateAsync(token, CancellationToken.None), AuthenticationFailure.Expired);
    }

    [Fact]
    public async Task Dev_token_accepted_once_is_refused_when_replayed_after_expiry_plus_skew()
    {
        var devKey = DevSigningKey.LoadOrCreate(_folder.Path);
        using var authenticator = new TokenAuthenticator(
            new IdentityConfig { DevIssuer = true, ClockSkew = TimeSpan.FromSeconds(30) }, devKey, _time);
        var token = devKey.Mint("agent", ["demo"], TimeSpan.FromMinutes(10), _time);
        var first = await authenticator.AuthenticateAsync(token, CancellationToken.None);
        Assert.True(first.Succeeded, first.Detail);
        Assert.Equal(AuthenticationMethod.DevToken, first.Principal!.Method);

        _time.Advance(TimeSpan.FromMinutes(10) + TimeSpan.FromSeconds(30));
        Assert.True((await authenticator.AuthenticateAsync(token, CancellationToken.None)).Succeeded);

        _time.Advance(TimeSpan.FromSeconds(1));
        AssertFailure(await authenticator.AuthenticateAsync(token, CancellationToken.None), AuthenticationFailure.Expired);
    }

    [Theory]
    [InlineData("a.b.c", true)]
    [InlineData("a.b.", true)]
    [InlineData("aB-_0.x.y", true)]
    [InlineData(".b.c", false)]
    [InlineData("a..c", false)]
    [InlineData("a.b", false)]
    [InlineData("a.b.c.d", false)]
    [InlineData("a.b=.c", false)]
    [InlineData("slk_abc-def_ghi", false)]
    public void Jwt_shape(string credential, bool isJwt) =>
        Assert.Equal(isJwt, TokenAuthenticator.LooksLikeJwt(credential));
}
