using System.Diagnostics.CodeAnalysis;

namespace Sluice.Protocols.Postgres;

/// <summary>Throw helpers keep the decoders' hot paths small enough to inline.</summary>
internal static class PgThrow
{
    [DoesNotReturn]
    public static void Protocol(string message) => throw new PgProtocolException(message);
}
