using BenchmarkDotNet.Attributes;
using Sluice.Core.Configuration;
using Sluice.Core.Identity;

namespace Sluice.Benchmarks;

/// <summary>
/// What authenticating a connection costs: the gateway's <see cref="TokenAuthenticator"/> built as the host builds
/// it (development issuer on, a few API keys configured, the system clock) checks the credential a client sends
/// as its password. A development token is an ES256 JWT minted by <see cref="DevSigningKey"/>; a refused token is
/// the same token with its signature altered, so it gets as far as the signature check. API keys are hashed and
/// compared with every configured key. The JWT library allocates, so the Allocated column is budgeted, not zero.
/// </summary>
[MemoryDiagnoser]
public class TokenValidationBenchmarks : IDisposable
{
    private string _directory = "";
    private TokenAuthenticator? _authenticator;
    private string _token = "";
    private string _badSignature = "";
    private string _apiKey = "";
    private string _unknownApiKey = "";

    [GlobalSetup]
    public void Setup()
    {
        _directory = Directory.CreateTempSubdirectory("sluice-bench-").FullName;
        var devKey = DevSigningKey.LoadOrCreate(_directory);
        _apiKey = ApiKeys.Generate();
        _unknownApiKey = ApiKeys.Generate();
        var config = new IdentityConfig
        {
            DevIssuer = true,
            ApiKeys =
            [
                Key("ci-deployer", ApiKeys.Generate(), "ci"),
                Key("reporting", _apiKey, "analysts"),
                Key("backup", ApiKeys.Generate(), "ops"),
            ],
        };
        _authenticator = new TokenAuthenticator(config, devKey, TimeProvider.System);

        _token = devKey.Mint("alice", ["demo", "ops"], TimeSpan.FromDays(1), TimeProvider.System);
        _badSignature = AlterSignature(_token);

        Expect(ValidDevToken(), AuthenticationFailure.None, "alice");
        Expect(BadSignature(), AuthenticationFailure.BadSignature, null);
        Expect(ValidApiKey(), AuthenticationFailure.None, "reporting");
        Expect(UnknownApiKey(), AuthenticationFailure.UnknownApiKey, null);
    }

    [GlobalCleanup]
    public void Dispose()
    {
        _authenticator?.Dispose();
        if (_directory.Length > 0)
        {
            Directory.Delete(_directory, recursive: true);
        }

        GC.SuppressFinalize(this);
    }

    /// <summary>A valid ES256 token from the development issuer, with two groups.</summary>
    [Benchmark(Baseline = true)]
    public AuthenticationResult ValidDevToken() => Authenticate(_token);

    /// <summary>The same token with a different signature: refused as a bad signature.</summary>
    [Benchmark]
    public AuthenticationResult BadSignature() => Authenticate(_badSignature);

    /// <summary>A configured API key (second of three).</summary>
    [Benchmark]
    public AuthenticationResult ValidApiKey() => Authenticate(_apiKey);

    /// <summary>A well-formed API key that is not configured.</summary>
    [Benchmark]
    public AuthenticationResult UnknownApiKey() => Authenticate(_unknownApiKey);

    /// <summary>
    /// Flips bits in the middle of the signature segment: still 64 well-formed bytes, but not a valid signature.
    /// </summary>
    private static string AlterSignature(string token)
    {
        var chars = token.ToCharArray();
        int middle = token.LastIndexOf('.') + ((token.Length - token.LastIndexOf('.')) / 2);
        chars[middle] = chars[middle] == 'A' ? 'B' : 'A';
        return new string(chars);
    }

    private static void Expect(AuthenticationResult result, AuthenticationFailure failure, string? subject)
    {
        if (result.Failure != failure || result.Principal?.Subject != subject)
        {
            throw new InvalidOperationException(
                $"expected {failure} for {subject ?? "nobody"}, got {result.Failure} ({result.Detail})");
        }
    }

    private static ApiKeyConfig Key(string identity, string key, string group) =>
        new() { Identity = identity, Sha256 = ApiKeys.Hash(key), Groups = [group] };

    /// <summary>Waits only if the authenticator did not finish synchronously, so waiting costs nothing.</summary>
    private AuthenticationResult Authenticate(string credential)
    {
        var pending = _authenticator!.AuthenticateAsync(credential, CancellationToken.None);
        return pending.IsCompleted ? pending.Result : pending.AsTask().GetAwaiter().GetResult();
    }
}
