using Microsoft.IdentityModel.Tokens;
using Sluice.Core.Configuration;
using Sluice.Core.Identity;
using Sluice.Core.Tests.Configuration;

namespace Sluice.Core.Tests.Identity;

public sealed class DevSigningKeyTests : IDisposable
{
    private static readonly DateTimeOffset Start = new(2020, 3, 1, 0, 0, 0, TimeSpan.Zero);

    private readonly TempFolder _folder = new();
    private readonly ManualTimeProvider _time = new(Start);

    public void Dispose() => _folder.Dispose();

    private string DataDirectory => Path.Combine(_folder.Path, "data");

    private TokenAuthenticator Authenticator(DevSigningKey key, bool devIssuer) =>
        new(new IdentityConfig { DevIssuer = devIssuer }, key, _time);

    [Fact]
    public async Task Minted_token_validates_as_dev_token()
    {
        var key = DevSigningKey.LoadOrCreate(DataDirectory);
        var token = key.Mint("alice", ["demo", "ops"], TimeSpan.FromHours(1), _time);
        using var authenticator = Authenticator(key, devIssuer: true);

        var result = await authenticator.AuthenticateAsync(token, CancellationToken.None);

        Assert.True(result.Succeeded, result.Detail);
        var principal = result.Principal!;
        Assert.Equal("alice", principal.Subject);
        Assert.Equal(["demo", "ops"], principal.Groups);
        Assert.Equal(AuthenticationMethod.DevToken, principal.Method);
        Assert.Equal(DevSigningKey.Issuer, principal.Issuer);
        Assert.Equal(Start + TimeSpan.FromHours(1), principal.ExpiresAt);
        Assert.Contains("\"ES256\"", TestKey.Header(token), StringComparison.Ordinal);
        Assert.Contains(key.KeyId, TestKey.Header(token), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Dev_token_expires_on_the_injected_clock()
    {
        var key = DevSigningKey.LoadOrCreate(DataDirectory);
        var token = key.Mint("alice", [], TimeSpan.FromMinutes(1), _time);
        using var authenticator = Authenticator(key, devIssuer: true);
        _time.Advance(TimeSpan.FromMinutes(2));

        var result = await authenticator.AuthenticateAsync(token, CancellationToken.None);

        Assert.Equal(AuthenticationFailure.Expired, result.Failure);
    }

    [Fact]
    public async Task Dev_token_refused_when_dev_issuer_is_off()
    {
        var key = DevSigningKey.LoadOrCreate(DataDirectory);
        var token = key.Mint("alice", [], TimeSpan.FromHours(1), _time);
        using var authenticator = Authenticator(key, devIssuer: false);

        var result = await authenticator.AuthenticateAsync(token, CancellationToken.None);

        Assert.Equal(AuthenticationFailure.UnknownIssuer, result.Failure);
    }

    [Fact]
    public async Task Token_from_another_dev_key_is_refused()
    {
        var trusted = DevSigningKey.LoadOrCreate(DataDirectory);
        var other = DevSigningKey.LoadOrCreate(Path.Combine(_folder.Path, "other"));
        using var authenticator = Authenticator(trusted, devIssuer: true);

        var result = await authenticator.AuthenticateAsync(
            other.Mint("mallory", [], TimeSpan.FromHours(1), _time), CancellationToken.None);

        Assert.Equal(AuthenticationFailure.UnknownSigningKey, result.Failure);
    }

    [Fact]
    public void Key_file_is_private_and_reloads_the_same_key()
    {
        var created = DevSigningKey.LoadOrCreate(DataDirectory);
        var path = Path.Combine(DataDirectory, DevSigningKey.FileName);

        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        }

        Assert.StartsWith("-----BEGIN PRIVATE KEY-----", File.ReadAllText(path), StringComparison.Ordinal);
        var reloaded = DevSigningKey.LoadOrCreate(DataDirectory);
        Assert.Equal(created.KeyId, reloaded.KeyId);
        Assert.Equal(path, reloaded.Path);
    }

    [Fact]
    public void Key_id_is_the_rfc7638_thumbprint()
    {
        var key = DevSigningKey.LoadOrCreate(DataDirectory);
        var jwk = JsonWebKeyConverter.ConvertFromSecurityKey(key.ValidationKey);

        Assert.Equal(Base64UrlEncoder.Encode(jwk.ComputeJwkThumbprint()), key.KeyId);
    }

    [Fact]
    public void Corrupt_key_file_is_reported()
    {
        Directory.CreateDirectory(DataDirectory);
        File.WriteAllText(Path.Combine(DataDirectory, DevSigningKey.FileName), "garbage");

        var ex = Assert.Throws<InvalidOperationException>(() => DevSigningKey.LoadOrCreate(DataDirectory));

        Assert.Contains("delete it to create a new one", ex.Message, StringComparison.Ordinal);
    }
}
