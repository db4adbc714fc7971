using System.Security.Cryptography;
using System.Text;

namespace Sluice.Protocols.Postgres;

/// <summary>
/// Client side of SCRAM-SHA-256 (RFC 5802, RFC 7677) as PostgreSQL uses it: no channel binding (GS2 header
/// "n,,"), and by default an empty user name, since the server takes the role from the StartupMessage.
/// Call <see cref="ClientFirstMessage"/>, then <see cref="ClientFinalMessage"/> with the server-first
/// message, then <see cref="VerifyServerFinal"/> with the server-final message.
/// </summary>
/// <remarks>
/// SASLprep is approximated: a password of printable ASCII is used as is (SASLprep leaves it unchanged);
/// anything else goes through <c>string.Normalize(NormalizationForm.FormKC)</c>. Under InvariantGlobalization,
/// which the sluice binary uses, .NET leaves non-ASCII text unnormalised, so such a password is used as its
/// UTF-8 bytes. That matches PostgreSQL for passwords already in NFKC form (e.g. precomposed "ä"), but a
/// password that needs compatibility mapping (e.g. U+2168 "Ⅸ", which PostgreSQL turns into "IX") or
/// SASLprep's space mapping will fail to authenticate. A server may demand any iteration count of at least 1;
/// each iteration costs the gateway CPU time.
/// </remarks>
public sealed class ScramSha256Client
{
    /// <summary>SASL mechanism name.</summary>
    public const string Mechanism = "SCRAM-SHA-256";

    private const string Gs2Header = "n,,";

    // base64("n,,"): the channel-binding attribute for a client that does not use channel binding.
    private const string ChannelBinding = "c=biws";

    private readonly string _password;
    private readonly string _clientNonce;
    private readonly string _clientFirstBare;
    private byte[]? _expectedServerSignature;

    /// <summary>
    /// Prepares an exchange. <paramref name="clientNonce"/> is generated (18 random bytes, base64) unless given
    /// for a test; <paramref name="username"/> goes into client-first and is empty for PostgreSQL.
    /// </summary>
    public ScramSha256Client(string password, string? clientNonce = null, string username = "")
    {
        ArgumentNullException.ThrowIfNull(password);
        ArgumentNullException.ThrowIfNull(username);
        _password = password;
        _clientNonce = clientNonce ?? Convert.ToBase64String(RandomNumberGenerator.GetBytes(18));
        foreach (char c in _clientNonce)
        {
            if (c is < '!' or > '~' or ',')
            {
                throw new ArgumentException("nonce must be printable ASCII without commas", nameof(clientNonce));
            }
        }

        if (_clientNonce.Length == 0)
        {
            throw new ArgumentException("nonce must not be empty", nameof(clientNonce));
        }

        _clientFirstBare = "n=" + username.Replace("=", "=3D", StringComparison.Ordinal)
            .Replace(",", "=2C", StringComparison.Ordinal) + ",r=" + _clientNonce;
    }

    /// <summary>
    /// Highest iteration count accepted from a server (default 1,000,000; PostgreSQL's default is 4096). The
    /// count is chosen by the server, so an unbounded one would let it make the gateway spin on PBKDF2.
    /// </summary>
    public int MaxIterations { get; init; } = 1_000_000;

    /// <summary>client-first-message: "n,,n=&lt;user&gt;,r=&lt;nonce&gt;" as UTF-8.</summary>
    public byte[] ClientFirstMessage() => Encoding.UTF8.GetBytes(Gs2Header + _clientFirstBare);

    /// <summary>
    /// Checks server-first ("r=&lt;nonce&gt;,s=&lt;salt&gt;,i=&lt;count&gt;") and returns client-final
    /// ("c=biws,r=&lt;nonce&gt;,p=&lt;proof&gt;"). Throws <see cref="PgProtocolException"/> when the server nonce
    /// does not extend ours, the salt is not base64, or the iteration count is not a positive integer or exceeds
    /// <see cref="MaxIterations"/>.
    /// </summary>
    public byte[] ClientFinalMessage(ReadOnlySpan<byte> serverFirst)
    {
        string serverFirstText = DecodeAscii(serverFirst, "server-first");
        string[] attributes = serverFirstText.Split(',');
        if (attributes.Length < 3 || !attributes[0].StartsWith("r=", StringComparison.Ordinal)
            || !attributes[1].StartsWith("s=", StringComparison.Ordinal)
            || !attributes[2].StartsWith("i=", StringComparison.Ordinal))
        {
            throw Invalid("SCRAM server-first message is malformed");
        }

        string nonce = attributes[0][2..];
        if (nonce.Length <= _clientNonce.Length || !nonce.StartsWith(_clientNonce, StringComparison.Ordinal))
        {
            throw Invalid("SCRAM server nonce does not extend the client nonce");
        }

        byte[] salt;
        try
        {
            salt = Convert.FromBase64String(attributes[1][2..]);
        }
        catch (FormatException)
        {
            throw Invalid("SCRAM salt is not valid base64");
        }

        if (salt.Length == 0)
        {
            throw Invalid("SCRAM salt is empty");
        }

        string count = attributes[2][2..];
        if (count.Length is 0 or > 10 || !count.All(char.IsAsciiDigit)
            || !int.TryParse(count, out int iterations) || iterations < 1)
        {
            throw Invalid("SCRAM iteration count is not a positive integer");
        }

        if (iterations > MaxIterations)
        {
            throw Invalid("SCRAM iteration count exceeds the configured maximum");
        }

        string withoutProof = ChannelBinding + ",r=" + nonce;
        byte[] authMessage = Encoding.UTF8.GetBytes(_clientFirstBare + "," + serverFirstText + "," + withoutProof);
        byte[] saltedPassword = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(Prepare(_password)), salt,
            iterations, HashAlgorithmName.SHA256, 32);

        byte[] clientKey = HMACSHA256.HashData(saltedPassword, "Client Key"u8);
        byte[] storedKey = SHA256.HashData(clientKey);
        byte[] clientSignature = HMACSHA256.HashData(storedKey, authMessage);
        for (int i = 0; i < clientKey.Length; i++)
        {
            clientKey[i] ^= clientSignature[i];
        }

        byte[] serverKey = HMACSHA256.HashData(saltedPassword, "Server Key"u8);
        _expectedServerSignature = HMACSHA256.HashData(serverKey, authMessage);
        string proof = Convert.ToBase64String(clientKey);

        CryptographicOperations.ZeroMemory(saltedPassword);
        CryptographicOperations.ZeroMemory(clientKey);
        CryptographicOperations.ZeroMemory(storedKey);
        CryptographicOperations.ZeroMemory(serverKey);
        return Encoding.UTF8.GetBytes(withoutProof + ",p=" + proof);
    }

    /// <summary>
    /// Checks server-final: "v=&lt;signature&gt;" must equal the expected server signature (compared in constant
    /// time); "e=&lt;error&gt;" or a mismatch throws <see cref="PgProtocolException"/> with SQLSTATE 28P01.
    /// </summary>
    public void VerifyServerFinal(ReadOnlySpan<byte> serverFinal)
    {
        if (_expectedServerSignature is null)
        {
            throw new InvalidOperationException("ClientFinalMessage must be called first");
        }

        string text = DecodeAscii(serverFinal, "server-final");
        if (text.StartsWith("e=", StringComparison.Ordinal))
        {
            throw new PgProtocolException("SCRAM server reported an error: " + text[2..], "28P01");
        }

        int comma = text.IndexOf(',', StringComparison.Ordinal);
        string verifier = comma < 0 ? text : text[..comma];
        if (!verifier.StartsWith("v=", StringComparison.Ordinal))
        {
            throw Invalid("SCRAM server-final message is malformed");
        }

        Span<byte> signature = stackalloc byte[48];
        if (!Convert.TryFromBase64String(verifier[2..], signature, out int written)
            || !CryptographicOperations.FixedTimeEquals(signature[..written], _expectedServerSignature))
        {
            throw new PgProtocolException("SCRAM server signature does not match", "28P01");
        }
    }

    private static string Prepare(string password)
    {
        foreach (char c in password)
        {
            if (c is < ' ' or > '~')
            {
                return password.Normalize(NormalizationForm.FormKC);
            }
        }

        return password;
    }

    private static string DecodeAscii(ReadOnlySpan<byte> data, string what)
    {
        foreach (byte b in data)
        {
            if (b is < 0x20 or > 0x7E)
            {
                throw Invalid($"SCRAM {what} message is not printable ASCII");
            }
        }

        return Encoding.ASCII.GetString(data);
    }

    private static PgProtocolException Invalid(string message) => new(message, "08P01");
}
