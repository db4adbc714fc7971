using System.Collections.Concurrent;
using System.Security.Cryptography;
using Sluice.Core.Configuration;
using Sluice.Core.Recording;

namespace Sluice.Protocols.Postgres;

/// <summary>
/// Maps the cancel keys Sluice hands to clients onto the upstream's real ones. A client sends
/// CancelRequest on a fresh connection with the process id and secret it was given; only Sluice
/// knows the upstream secret, so the client can never cancel a backend it does not own.
/// </summary>
internal sealed class PgCancelRegistry
{
    private readonly ConcurrentDictionary<(int ProcessId, int Secret), PgCancelTarget> _targets = new();

    /// <summary>Registers an upstream backend and returns the secret to give the client.</summary>
    public int Register(PgCancelTarget target)
    {
        while (true)
        {
            var secret = RandomNumberGenerator.GetInt32(int.MinValue, int.MaxValue);
            if (_targets.TryAdd((target.ProcessId, secret), target))
            {
                return secret;
            }
        }
    }

    public void Unregister(int processId, int secret) => _targets.TryRemove((processId, secret), out _);

    public bool TryFind(int processId, int secret, out PgCancelTarget target)
    {
        if (_targets.TryGetValue((processId, secret), out var found))
        {
            target = found;
            return true;
        }

        target = null!;
        return false;
    }
}

/// <summary>Where and how to deliver a cancel for one upstream backend.</summary>
internal sealed record PgCancelTarget(
    string SessionId, ConnectionConfig Connection, int ProcessId, int UpstreamSecret, SessionRecorder? Recorder);
