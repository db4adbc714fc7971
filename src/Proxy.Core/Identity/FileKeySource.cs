using Microsoft.IdentityModel.Tokens;

namespace Sluice.Core.Identity;

/// <summary>
/// A JWKS file, read at start-up and again whenever its modification time or size changes, so
/// replacing the file rotates keys without a restart.
/// </summary>
internal sealed class FileKeySource : SigningKeySource
{
    private readonly string _path;
    private readonly Lock _reloadLock = new();
    private volatile Snapshot _current;

    /// <exception cref="InvalidOperationException">The file cannot be read or holds no usable key.</exception>
    public FileKeySource(string path)
    {
        _path = path;
        if (!TryRead(out var snapshot, out var error))
        {
            throw new InvalidOperationException(error);
        }

        _current = snapshot;
    }

    public override ValueTask<SigningKeyLookup> FindAsync(string? keyId, CancellationToken cancellationToken)
    {
        var snapshot = _current;
        if (Stamp() != snapshot.Stamp)
        {
            lock (_reloadLock)
            {
                snapshot = _current;
                if (Stamp() != snapshot.Stamp)
                {
                    // Fail closed while the file is unreadable: a key that was removed on purpose
                    // must not keep working because its replacement is broken.
                    if (!TryRead(out var fresh, out var error))
                    {
                        return ValueTask.FromResult(
                            SigningKeyLookup.Fail(AuthenticationFailure.KeySourceUnavailable, error));
                    }

                    _current = snapshot = fresh;
                }
            }
        }

        return ValueTask.FromResult(Select(snapshot.Keys, keyId, $"JWKS file '{_path}'"));
    }

    private bool TryRead(out Snapshot snapshot, out string error)
    {
        try
        {
            // The stamp is taken before reading, so a write that lands in between is seen next time.
            var stamp = Stamp();
            snapshot = new Snapshot(Jwks.Parse(File.ReadAllText(_path)), stamp);
            error = string.Empty;
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
        {
            snapshot = null!;
            error = $"cannot load JWKS file '{_path}': {e.Message}";
            return false;
        }
    }

    private (DateTime Modified, long Length) Stamp()
    {
        var info = new FileInfo(_path);
        return info.Exists ? (info.LastWriteTimeUtc, info.Length) : default;
    }

    private sealed record Snapshot(IReadOnlyList<SecurityKey> Keys, (DateTime Modified, long Length) Stamp);
}
