using System.Collections.Concurrent;

namespace Sluice.Core.Sessions;

/// <summary>An open session as the gateway sees it, whatever its protocol.</summary>
public interface IGatewaySession
{
    string SessionId { get; }

    string Connection { get; }

    string Subject { get; }

    /// <summary>Ends the session: used on shutdown.</summary>
    void Abort(string reason);
}

/// <summary>The sessions open on this node.</summary>
public sealed class SessionRegistry
{
    private readonly ConcurrentDictionary<string, IGatewaySession> _open = new(StringComparer.Ordinal);

    public int Count => _open.Count;

    public void Add(IGatewaySession session) => _open[session.SessionId] = session;

    public void Remove(IGatewaySession session) => _open.TryRemove(session.SessionId, out _);

    public IReadOnlyCollection<IGatewaySession> Snapshot() => [.. _open.Values];

    public void AbortAll(string reason)
    {
        foreach (var session in _open.Values)
        {
            session.Abort(reason);
        }
    }
}
