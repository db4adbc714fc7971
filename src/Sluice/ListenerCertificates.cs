using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Logging;
using Sluice.Core.Configuration;

namespace Sluice.Host;

/// <summary>
/// The certificate a listener presents: the configured one, or a self-signed one generated into the data
/// directory on first start so that TLS works out of the box (clients then use sslmode=require, which
/// encrypts but does not verify; production deployments configure a real certificate).
/// </summary>
internal static partial class ListenerCertificates
{
    public static X509Certificate2 Load(ListenerConfig listener, string dataDirectory, ILogger logger)
    {
        if (listener.Tls.CertificatePath is { } certificatePath && listener.Tls.KeyPath is { } keyPath)
        {
            return X509Certificate2.CreateFromPemFile(certificatePath, keyPath);
        }

        var directory = Path.Combine(dataDirectory, "tls");
        var certificateFile = Path.Combine(directory, listener.Name + ".crt");
        var keyFile = Path.Combine(directory, listener.Name + ".key");
        if (!File.Exists(certificateFile) || !File.Exists(keyFile))
        {
            Generate(certificateFile, keyFile);
            Log.GeneratedCertificate(logger, listener.Name, certificateFile);
        }
        else
        {
            Log.UsingGeneratedCertificate(logger, listener.Name, certificateFile);
        }

        return X509Certificate2.CreateFromPemFile(certificateFile, keyFile);
    }

    private static void Generate(string certificateFile, string keyFile)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(certificateFile)!);
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=sluice (self-signed)", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName("localhost");
        names.AddIpAddress(IPAddress.Loopback);
        names.AddIpAddress(IPAddress.IPv6Loopback);
        names.AddDnsName(Environment.MachineName);
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(
            new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        var now = DateTimeOffset.UtcNow;
        using var certificate = request.CreateSelfSigned(now.AddMinutes(-5), now.AddYears(1));

        // The private key file is created readable by the owner only, before a byte of key is written.
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using (var writer = new StreamWriter(keyFile, options))
        {
            writer.Write(key.ExportPkcs8PrivateKeyPem());
        }

        File.WriteAllText(certificateFile, certificate.ExportCertificatePem());
    }

    private static partial class Log
    {
        [LoggerMessage(100, LogLevel.Warning,
            "listener {Listener} has no configured certificate: generated a self-signed one at {Path}; " +
            "clients can encrypt (sslmode=require) but cannot verify the gateway until you configure a real one")]
        public static partial void GeneratedCertificate(ILogger logger, string listener, string path);

        [LoggerMessage(101, LogLevel.Warning,
            "listener {Listener} uses the self-signed certificate at {Path}; configure a real one for production")]
        public static partial void UsingGeneratedCertificate(ILogger logger, string listener, string path);
    }
}
