using System.Net;
using System.Text;
using Sluice.Core.Configuration;
using Sluice.Core.Identity;

namespace Sluice.Core.Tests.Identity;

public sealed class JwksUrlTests : IDisposable
{
    private const string Issuer = "https://idp.example.com/";

    private static readonly Uri JwksUrl = new("https://idp.example.com/jwks.json");

    private static readonly DateTimeOffset Start = new(2020, 6, 1, 0, 0, 0, TimeSpan.Zero);

    private static readonly TestKey First = TestKey.CreateEc("k1");
    private static readonly TestKey Second = TestKey.CreateEc("k2");

    private readonly ManualTimeProvider _time = new(Start);
    private readonly FakeJwksHandler _idp = new();

    public void Dispose() => _idp.Dispose();

    private TokenAuthenticator Authenticator() => new(
        new IdentityConfig
        {
            Issuers =
            [
                new OidcIssuerConfig
                {
                    Issuer = Issuer, Audiences = ["sluice"], JwksUrl = JwksUrl, JwksRefresh = TimeSpan.FromMinutes(10),
                },
            ],
        },
        null,
        _time,
        new HttpClient(_idp));

    private Task<AuthenticationResult> Run(TokenAuthenticator authenticator, TestKey key) =>
        authenticator.AuthenticateAsync(key.Mint(Issuer, _time.Now), CancellationToken.None).AsTask();

    [Fact]
    public async Task Keys_are_fetched_once_and_cached_for_the_refresh_period()
    {
        _idp.Body = TestKey.Jwks(First);
        using var authenticator = Authenticator();

        Assert.True((await Run(authenticator, First)).Succeeded);
        _time.Advance(TimeSpan.FromMinutes(9));
        Assert.True((await Run(authenticator, First)).Succeeded);
        Assert.Equal(1, _idp.Requests);
        Assert.Equal(JwksUrl, _idp.LastUrl);

        _time.Advance(TimeSpan.FromMinutes(1));
        Assert.True((await Run(authenticator, First)).Succeeded);
        Assert.Equal(2, _idp.Requests);
    }

    [Fact]
    public async Task Unknown_kid_refetches_at_most_every_30_seconds()
    {
        _idp.Body = TestKey.Jwks(First);
        using var authenticator = Authenticator();
        Assert.True((await Run(authenticator, First)).Succeeded);

        _time.Advance(TimeSpan.FromSeconds(31));
        _idp.Body = TestKey.Jwks(Second);
        var rotated = await Run(authenticator, Second);
        Assert.True(rotated.Succeeded, rotated.Detail);
        Assert.Equal(2, _idp.Requests);

        var stranger = TestKey.CreateEc("k3");
        Assert.Equal(AuthenticationFailure.UnknownSigningKey, (await Run(authenticator, stranger)).Failure);
        Assert.Equal(AuthenticationFailure.UnknownSigningKey, (await Run(authenticator, stranger)).Failure);
        Assert.Equal(2, _idp.Requests);

        _time.Advance(TimeSpan.FromSeconds(30));
        Assert.Equal(AuthenticationFailure.UnknownSigningKey, (await Run(authenticator, stranger)).Failure);
        Assert.Equal(3, _idp.Requests);
    }

    [Fact]
    public async Task Unknown_kid_right_after_a_fetch_does_not_refetch()
    {
        _idp.Body = TestKey.Jwks(First);
        using var authenticator = Authenticator();

        Assert.Equal(AuthenticationFailure.UnknownSigningKey, (await Run(authenticator, Second)).Failure);

        Assert.Equal(1, _idp.Requests);
    }

    [Theory]
    [InlineData(HttpStatusCode.InternalServerError, "{\"keys\":[]}")]
    [InlineData(HttpStatusCode.OK, "not json")]
    [InlineData(HttpStatusCode.OK, "{\"keys\":[]}")]
    public async Task Fetch_failure_is_key_source_unavailable(HttpStatusCode status, string body)
    {
        _idp.Status = status;
        _idp.Body = body;
        using var authenticator = Authenticator();

        var result = await Run(authenticator, First);

        Assert.Equal(AuthenticationFailure.KeySourceUnavailable, result.Failure);
        Assert.Contains(JwksUrl.ToString(), result.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Network_error_is_key_source_unavailable_and_recovers_after_30_seconds()
    {
        _idp.Throw = true;
        using var authenticator = Authenticator();
        Assert.Equal(AuthenticationFailure.KeySourceUnavailable, (await Run(authenticator, First)).Failure);

        _idp.Throw = false;
        _idp.Body = TestKey.Jwks(First);
        Assert.Equal(AuthenticationFailure.KeySourceUnavailable, (await Run(authenticator, First)).Failure);
        _time.Advance(TimeSpan.FromSeconds(30));

        Assert.True((await Run(authenticator, First)).Succeeded);
    }

    [Fact]
    public async Task Stale_keys_stay_in_use_while_the_provider_is_down()
    {
        _idp.Body = TestKey.Jwks(First);
        using var authenticator = Authenticator();
        Assert.True((await Run(authenticator, First)).Succeeded);

        _idp.Throw = true;
        _time.Advance(TimeSpan.FromMinutes(11));

        Assert.True((await Run(authenticator, First)).Succeeded);
        Assert.Equal(2, _idp.Requests);
    }

    private sealed class FakeJwksHandler : HttpMessageHandler
    {
        public string Body { get; set; } = "{}";

        public HttpStatusCode Status { get; set; } = HttpStatusCode.OK;

        public bool Throw { get; set; }

        public int Requests { get; private set; }

        public Uri? LastUrl { get; private set; }

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
        {
            Requests++;
            LastUrl = request.RequestUri;
            if (Throw)
            {
                throw new HttpRequestException("connection refused");
            }

            return Task.FromResult(new HttpResponseMessage(Status)
            {
                Content = new StringContent(Body, Encoding.UTF8, "application/json"),
            });
        }
    }
}
