using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Sluice.Core.Identity;

/// <summary>
/// The local development key that <c>sluice token</c> signs with: an ES256 (P-256) key kept as
/// PKCS#8 PEM in the data directory, readable by its owner only. Tokens it mints carry issuer
/// <see cref="Issuer"/> and audience <see cref="Audience"/>.
/// </summary>
public sealed class DevSigningKey
{
    public const string Issuer = "sluice-dev";

    public const string Audience = "sluice";

    /// <summary>Name of the key file inside the data directory.</summary>
    public const string FileName = "dev-signing-key.pem";

    private readonly ECDsa _key;
    private readonly SigningCredentials _credentials;

    private DevSigningKey(ECDsa key, string path)
    {
        _key = key;
        Path = path;
        KeyId = ComputeKeyId(key);
        _credentials = new SigningCredentials(
            new ECDsaSecurityKey(key) { KeyId = KeyId }, SecurityAlgorithms.EcdsaSha256);

        var publicKey = ECDsa.Create(key.ExportParameters(includePrivateParameters: false));
        ValidationKey = new ECDsaSecurityKey(publicKey) { KeyId = KeyId };
    }

    /// <summary>The RFC 7638 thumbprint of the public key, sent as the token's <c>kid</c>.</summary>
    public string KeyId { get; }

    /// <summary>Where the key is stored.</summary>
    public string Path { get; }

    /// <summary>The public half, for validating the tokens this key mints.</summary>
    internal SecurityKey ValidationKey { get; }

    /// <summary>
    /// Loads <c>&lt;dataDirectory&gt;/dev-signing-key.pem</c>, or creates it (mode 0600) when absent.
    /// </summary>
    public static DevSigningKey LoadOrCreate(string dataDirectory)
    {
        Directory.CreateDirectory(dataDirectory);
        var path = System.IO.Path.Combine(dataDirectory, FileName);
        if (File.Exists(path))
        {
            return Load(path);
        }

        var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var pem = key.ExportPkcs8PrivateKeyPem();
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            // Set at creation, not chmod afterwards, so the key is never readable by others.
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        try
        {
            using var stream = new FileStream(path, options);
            stream.Write(Encoding.ASCII.GetBytes(pem));
        }
        catch (IOException) when (File.Exists(path))
        {
            // Another process created the key first; use its key so both agree.
            key.Dispose();
            return Load(path);
        }

        return new DevSigningKey(key, path);
    }

    /// <summary>Signs a token for <paramref name="subject"/> valid from now for <paramref name="lifetime"/>.</summary>
    public string Mint(string subject, IReadOnlyList<string> groups, TimeSpan lifetime, TimeProvider time)
    {
        ArgumentException.ThrowIfNullOrEmpty(subject);
        ArgumentNullException.ThrowIfNull(groups);
        ArgumentNullException.ThrowIfNull(time);

        var now = time.GetUtcNow().UtcDateTime;
        var descriptor = new SecurityTokenDescriptor
        {
            Issuer = Issuer,
            Audience = Audience,
            IssuedAt = now,
            NotBefore = now,
            Expires = now + lifetime,
            SigningCredentials = _credentials,
            Claims = new Dictionary<string, object>(StringComparer.Ordinal)
            {
                ["sub"] = subject,
                ["groups"] = groups.ToArray(),
            },
        };

        var handler = new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false };
        return handler.CreateToken(descriptor);
    }

    private static DevSigningKey Load(string path)
    {
        var key = ECDsa.Create();
        try
        {
            key.ImportFromPem(File.ReadAllText(path));
            var parameters = key.ExportParameters(includePrivateParameters: false);
            if (parameters.Curve.Oid.Value != ECCurve.NamedCurves.nistP256.Oid.Value || key.KeySize != 256)
            {
                throw new InvalidOperationException($"the development key '{path}' is not a P-256 key");
            }
        }
        catch (Exception e) when (e is CryptographicException or ArgumentException)
        {
            key.Dispose();
            throw new InvalidOperationException(
                $"the development key '{path}' is not a PEM EC private key; delete it to create a new one", e);
        }

        return new DevSigningKey(key, path);
    }

    /// <summary>RFC 7638: SHA-256 over the required members in lexicographic order, no whitespace.</summary>
    internal static string ComputeKeyId(ECDsa key)
    {
        var q = key.ExportParameters(includePrivateParameters: false).Q;
        var json = "{\"crv\":\"P-256\",\"kty\":\"EC\",\"x\":\"" + Base64Url.EncodeToString(q.X)
            + "\",\"y\":\"" + Base64Url.EncodeToString(q.Y) + "\"}";
        return Base64Url.EncodeToString(SHA256.HashData(Encoding.UTF8.GetBytes(json)));
    }
}
