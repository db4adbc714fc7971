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
public sealed class PgListener
{
    private readonly PgCancelRegistry _cancels = new();

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

    /// <summary>Runs one client connection to its end. Never throws: failures are logged and answered.</summary>
    public async Task HandleAsync(Socket socket, CancellationToken cancellationToken)
    {
        using var session = new PgSession(this, socket);
        await session.RunAsync(cancellationToken);
    }
}
