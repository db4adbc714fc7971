using System.Net.Security;
using System.Security.Authentication;
using Sluice.Core.Security;

namespace Sluice.Core.Tests.Security;

public sealed class TlsPolicyTests
{
    [Fact]
    public void Protocols_are_TLS_1_2_and_1_3_only() =>
        Assert.Equal(SslProtocols.Tls12 | SslProtocols.Tls13, TlsPolicy.Protocols);

    [Fact]
    public void Every_suite_is_AEAD_with_ephemeral_key_exchange()
    {
        Assert.NotEmpty(TlsPolicy.CipherSuites);
        foreach (var suite in TlsPolicy.CipherSuites)
        {
            var name = suite.ToString();
            Assert.Matches("_(AES_128_GCM|AES_256_GCM|CHACHA20_POLY1305)_SHA(256|384)$", name);
            Assert.True(
                name.StartsWith("TLS_AES_", StringComparison.Ordinal)
                || name.StartsWith("TLS_CHACHA20_", StringComparison.Ordinal)
                || name.StartsWith("TLS_ECDHE_", StringComparison.Ordinal),
                $"{name} has no ephemeral key exchange");
            Assert.DoesNotMatch("RC4|3DES|DES_CBC|EXPORT|NULL|_CBC_|anon", name);
        }
    }

    [Fact]
    public void The_suite_restriction_is_set_where_the_platform_allows_it()
    {
        if (OperatingSystem.IsLinux())
        {
            Assert.Equal(TlsPolicy.CipherSuites, TlsPolicy.CipherSuitesPolicy!.AllowedCipherSuites);
        }
        else if (OperatingSystem.IsWindows())
        {
            // Schannel takes no per-connection suite list; the system's TLS configuration decides there.
            Assert.Null(TlsPolicy.CipherSuitesPolicy);
        }
    }
}
