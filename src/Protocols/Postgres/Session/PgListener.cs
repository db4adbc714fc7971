using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Logging;
using Sluice.Core.Configuration;
using Sluice.Core.Sessions;

namespace Sluice.Protocols.Postgres;

/// <summary>
/// Serves one PostgreSQL listener: each accepted socket becomes a <see cref="PgSession"/>, except
/// CancelRequests, which are answered on the spot.
/// </summary>
public sealed class PgListener : IAsyncDisposable
{
    private readonly PgCancelRegistry _cancels = new();
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, PgCatalog> _catalogs = new(StringComparer.Ordinal);

    public PgListener(ListenerConfig listener, GatewayServices services, X509Certificate2? certificate)
    {
        Listener = listener;
        Services = services;
        Certificate = certificate;
        Logger = services.Loggers.CreateLogger("Sluice.Postgres");
    }

    internal ListenerConfig Listener { get; }

    internal GatewayServices Services { get; }

    internal X509Certificate2? Certificate { get; }

    internal ILogger Logger { get; }

    internal PgCancelRegistry Cancels => _cancels;

    /// <summary>The catalog of a connection's upstream, shared by all sessions of this listener.</summary>
    internal PgCatalog CatalogFor(ConnectionConfig connection) => _catalogs.GetOrAdd(
        connection.Name,
        _ => new PgCatalog(connection, Services.Config.Limits.MaxMessageBytes, Services.Time));

    public async ValueTask DisposeAsync()
    {
        foreach (var catalog in _catalogs.Values)
        {
            await catalog.DisposeAsync();
        }

        _catalogs.Clear();
    }

    /// <summary>Runs one client connection to its end. Never throws: failures are logged and answered.</summary>
    public async Task HandleAsync(Socket socket, CancellationToken cancellationToken)
    {
        using var session = new PgSession(this, socket);
        await session.RunAsync(cancellationToken);
    }
}
