using Microsoft.IdentityModel.Tokens;

namespace Sluice.Core.Identity;

/// <summary>
/// A JWKS fetched over HTTP. The set is trusted for the configured refresh period; a token whose
/// key id is not in it triggers an early fetch, at most once per <see cref="MinimumRefetchInterval"/>,
/// so an issuer's key rotation is picked up without letting callers with made-up key ids hammer
/// the identity provider.
/// </summary>
internal sealed class UrlKeySource : SigningKeySource, IDisposable
{
    internal static readonly TimeSpan MinimumRefetchInterval = TimeSpan.FromSeconds(30);

    private const int MaxJwksBytes = 1024 * 1024;

    private static readonly TimeSpan FetchTimeout = TimeSpan.FromSeconds(10);

    private readonly Uri _url;
    private readonly TimeSpan _refresh;
    private readonly HttpClient _http;
    private readonly TimeProvider _time;
    private readonly SemaphoreSlim _fetchLock = new(1, 1);

    private volatile Snapshot? _current;
    private DateTimeOffset _lastAttempt = DateTimeOffset.MinValue;
    private string _lastError = "the key set has not been fetched yet";

    public UrlKeySource(Uri url, TimeSpan refresh, HttpClient http, TimeProvider time)
    {
        _url = url;
        _refresh = refresh;
        _http = http;
        _time = time;
    }

    public override async ValueTask<SigningKeyLookup> FindAsync(string? keyId, CancellationToken cancellationToken)
    {
        var snapshot = _current;
        if (snapshot is null || _time.GetUtcNow() - snapshot.FetchedAt >= _refresh)
        {
            snapshot = await RefreshAsync(snapshot, cancellationToken);
        }

        if (snapshot is null)
        {
            return SigningKeyLookup.Fail(AuthenticationFailure.KeySourceUnavailable, _lastError);
        }

        var origin = $"JWKS at {_url}";
        var lookup = Select(snapshot.Keys, keyId, origin);
        if (lookup.Failure == AuthenticationFailure.UnknownSigningKey)
        {
            var fresh = await RefreshAsync(snapshot, cancellationToken);
            if (fresh is not null && !ReferenceEquals(fresh, snapshot))
            {
                lookup = Select(fresh.Keys, keyId, origin);
            }
        }

        return lookup;
    }

    /// <summary>
    /// Fetches the set unless another caller just did or the last attempt was too recent. When a
    /// fetch fails, the previous set (if any) stays in use: an identity provider outage should not
    /// lock out callers whose keys are already known.
    /// </summary>
    private async Task<Snapshot?> RefreshAsync(Snapshot? seen, CancellationToken cancellationToken)
    {
        await _fetchLock.WaitAsync(cancellationToken);
        try
        {
            var current = _current;
            if (!ReferenceEquals(current, seen))
            {
                return current;
            }

            var now = _time.GetUtcNow();
            if (now - _lastAttempt < MinimumRefetchInterval)
            {
                return current;
            }

            _lastAttempt = now;
            try
            {
                var keys = await FetchAsync(cancellationToken);
                current = new Snapshot(keys, now);
                _current = current;
            }
            catch (Exception e) when (e is HttpRequestException or FormatException
                || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
            {
                _lastError = $"cannot fetch JWKS from {_url}: {e.Message}";
            }

            return current;
        }
        finally
        {
            _fetchLock.Release();
        }
    }

    public void Dispose() => _fetchLock.Dispose();

    private async Task<IReadOnlyList<SecurityKey>> FetchAsync(CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(FetchTimeout);
        using var response = await _http.GetAsync(_url, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
        if (!response.IsSuccessStatusCode)
        {
            throw new HttpRequestException($"HTTP {(int)response.StatusCode}", null, response.StatusCode);
        }

        if (response.Content.Headers.ContentLength > MaxJwksBytes)
        {
            throw new FormatException($"the key set is larger than {MaxJwksBytes} bytes");
        }

        var json = await response.Content.ReadAsStringAsync(timeout.Token);
        return Jwks.Parse(json);
    }

    private sealed record Snapshot(IReadOnlyList<SecurityKey> Keys, DateTimeOffset FetchedAt);
}
