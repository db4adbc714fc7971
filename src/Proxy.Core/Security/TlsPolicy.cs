using System.Net.Security;
using System.Security.Authentication;

namespace Sluice.Core.Security;

/// <summary>
/// The TLS the gateway speaks on both sides (clients and upstream databases): TLS 1.2 or 1.3, and only
/// AEAD cipher suites with ephemeral key exchange. TLS 1.3 suites are all AEAD; for TLS 1.2 this leaves the
/// ECDHE suites with AES-GCM or ChaCha20-Poly1305, which every PostgreSQL built against OpenSSL 1.0.1 or
/// later offers. CBC suites (Lucky13-style padding oracles), static RSA key exchange (no forward secrecy),
/// RC4, 3DES and export suites are never negotiated.
/// </summary>
public static class TlsPolicy
{
    public const SslProtocols Protocols = SslProtocols.Tls12 | SslProtocols.Tls13;

    /// <summary>The permitted suites, strongest first.</summary>
    public static IReadOnlyList<TlsCipherSuite> CipherSuites { get; } =
    [
        TlsCipherSuite.TLS_AES_256_GCM_SHA384,
        TlsCipherSuite.TLS_CHACHA20_POLY1305_SHA256,
        TlsCipherSuite.TLS_AES_128_GCM_SHA256,
        TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
        TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
        TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
        TlsCipherSuite.TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
        TlsCipherSuite.TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
        TlsCipherSuite.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
    ];

    /// <summary>
    /// The suite restriction where the platform lets a process choose (Linux and macOS, through OpenSSL);
    /// null elsewhere, where the operating system's own TLS configuration decides.
    /// </summary>
    public static CipherSuitesPolicy? CipherSuitesPolicy { get; } =
        OperatingSystem.IsLinux() || OperatingSystem.IsMacOS() || OperatingSystem.IsFreeBSD()
            ? new CipherSuitesPolicy(CipherSuites)
            : null;
}
