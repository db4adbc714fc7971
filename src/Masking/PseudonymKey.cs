using System.Security.Cryptography;

namespace Sluice.Masking;

/// <summary>
/// HMAC-SHA256 under one key for pseudonyms, computed by the platform's (OpenSSL's) HMAC with one keyed context
/// per thread that is reset between values. The one-shot <see cref="HMACSHA256.HashData(byte[], byte[])"/> set up a
/// native context and hashed both padded key blocks for every value, which made pseudonyms the dearest part of a
/// masked row; a reset context keeps the key's state. Safe to share: plans on several threads each use their own
/// context.
/// </summary>
internal sealed class PseudonymKey
{
    internal const int MacBytes = 32;

    // One keyed context per thread, for the key that thread used last: a process has one masking policy and so
    // one key, so the context is made once per thread and reused for every value.
    [ThreadStatic]
    private static IncrementalHash? t_context;

    [ThreadStatic]
    private static PseudonymKey? t_contextKey;

    private readonly byte[] _key;

    internal PseudonymKey(ReadOnlySpan<byte> key) => _key = key.ToArray();

    /// <summary>
    /// Writes HMAC-SHA256(key, <paramref name="message"/>) into the first 32 bytes of <paramref name="mac"/>.
    /// </summary>
    internal void Compute(ReadOnlySpan<byte> message, Span<byte> mac)
    {
        var context = t_context;
        if (context is null || !ReferenceEquals(t_contextKey, this))
        {
            context?.Dispose();
            context = t_context = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, _key);
            t_contextKey = this;
        }

        context.AppendData(message);
        context.GetHashAndReset(mac[..MacBytes]);
    }
}
