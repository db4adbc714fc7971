using System.Buffers.Binary;

namespace Sluice.Protocols.Postgres;

/// <summary>
/// One decoded startup-phase packet (StartupMessage, SSLRequest, GSSENCRequest or CancelRequest), from a whole
/// frame as found by <see cref="PgFrameScanner.TryScanStartup"/>. Layout: Int32 length (counts itself),
/// Int32 code, then for StartupMessage name/value C-string pairs ended by one extra NUL, and for CancelRequest
/// Int32 process id and Int32 secret key.
/// </summary>
/// <remarks>
/// Stricter than PostgreSQL in two ways. A parameter name given twice is rejected, because PostgreSQL lets the
/// last one win and a gateway that read the first would then disagree with the server about, say, the user.
/// A name or value that is not valid UTF-8 is rejected (SQLSTATE 22021, as PostgreSQL reports invalid UTF-8
/// elsewhere), because the gateway records and forwards these as text and a lossy decoding would make the
/// recording and the upstream see something other than what the client sent.
/// Only the 4-byte secret key of protocol 3.0 is accepted in a CancelRequest.
/// </remarks>
public sealed class PgStartupPacket
{
    /// <summary>StartupMessage code for protocol 3.0 (major 3 in the high 16 bits, minor 0).</summary>
    public const int Protocol30 = 196608;

    /// <summary>SSLRequest code.</summary>
    public const int SslRequestCode = 80877103;

    /// <summary>GSSENCRequest code.</summary>
    public const int GssEncRequestCode = 80877104;

    /// <summary>CancelRequest code.</summary>
    public const int CancelRequestCode = 80877102;

    private static readonly KeyValuePair<string, string>[] s_noParameters = [];

    private static readonly System.Text.UTF8Encoding s_strictUtf8 = new(false, throwOnInvalidBytes: true);

    private PgStartupPacket(PgStartupCode code, int protocolVersion, IReadOnlyList<KeyValuePair<string, string>> p,
        int cancelProcessId, int cancelSecretKey)
    {
        Code = code;
        ProtocolVersion = protocolVersion;
        Parameters = p;
        CancelProcessId = cancelProcessId;
        CancelSecretKey = cancelSecretKey;
    }

    /// <summary>Which kind of packet this is.</summary>
    public PgStartupCode Code { get; }

    /// <summary>The raw Int32 code: the protocol version for a StartupMessage (major &lt;&lt; 16 | minor).</summary>
    public int ProtocolVersion { get; }

    /// <summary>Major protocol version of a StartupMessage.</summary>
    public int ProtocolMajor => (ProtocolVersion >> 16) & 0xFFFF;

    /// <summary>Minor protocol version of a StartupMessage.</summary>
    public int ProtocolMinor => ProtocolVersion & 0xFFFF;

    /// <summary>Startup parameters in wire order (empty for other packets).</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Parameters { get; }

    /// <summary>Process id of a CancelRequest.</summary>
    public int CancelProcessId { get; }

    /// <summary>Secret key of a CancelRequest.</summary>
    public int CancelSecretKey { get; }

    /// <summary>Value of the named startup parameter (case-sensitive, as PostgreSQL treats them), or null.</summary>
    public string? Get(string name)
    {
        foreach (KeyValuePair<string, string> pair in Parameters)
        {
            if (pair.Key == name)
            {
                return pair.Value;
            }
        }

        return null;
    }

    /// <summary>Decodes one whole startup frame; throws <see cref="PgProtocolException"/> when malformed.</summary>
    public static PgStartupPacket Parse(ReadOnlySpan<byte> frame)
    {
        if (frame.Length < PgFrameScanner.StartupHeaderLength)
        {
            PgThrow.Protocol("startup packet is shorter than its header");
        }

        int length = BinaryPrimitives.ReadInt32BigEndian(frame);
        if (length != frame.Length)
        {
            PgThrow.Protocol("startup packet length does not match the frame");
        }

        int code = BinaryPrimitives.ReadInt32BigEndian(frame[4..]);
        ReadOnlySpan<byte> body = frame[8..];
        switch (code)
        {
            case SslRequestCode:
                return Fixed(PgStartupCode.SslRequest, code, body);
            case GssEncRequestCode:
                return Fixed(PgStartupCode.GssEncRequest, code, body);
            case CancelRequestCode:
                if (body.Length != 8)
                {
                    PgThrow.Protocol("CancelRequest has the wrong length");
                }

                return new PgStartupPacket(PgStartupCode.CancelRequest, code, s_noParameters,
                    BinaryPrimitives.ReadInt32BigEndian(body), BinaryPrimitives.ReadInt32BigEndian(body[4..]));
        }

        if (code >> 16 != 3)
        {
            return new PgStartupPacket(PgStartupCode.Unknown, code, s_noParameters, 0, 0);
        }

        return new PgStartupPacket(PgStartupCode.Startup30, code, ParseParameters(body), 0, 0);
    }

    private static PgStartupPacket Fixed(PgStartupCode kind, int code, ReadOnlySpan<byte> body)
    {
        if (!body.IsEmpty)
        {
            PgThrow.Protocol("encryption request has a body");
        }

        return new PgStartupPacket(kind, code, s_noParameters, 0, 0);
    }

    private static List<KeyValuePair<string, string>> ParseParameters(ReadOnlySpan<byte> body)
    {
        var list = new List<KeyValuePair<string, string>>();
        var reader = new PgMessageReader(body);
        while (true)
        {
            ReadOnlySpan<byte> name = reader.ReadCString();
            if (name.IsEmpty)
            {
                break;
            }

            string key = DecodeStrict(name, "a start-up parameter name");
            string value = DecodeStrict(reader.ReadCString(), $"the value of start-up parameter \"{key}\"");
            foreach (KeyValuePair<string, string> seen in list)
            {
                if (seen.Key == key)
                {
                    PgThrow.Protocol("startup parameter given twice");
                }
            }

            list.Add(new KeyValuePair<string, string>(key, value));
        }

        reader.EnsureEnd("StartupMessage");
        return list;
    }

    private static string DecodeStrict(ReadOnlySpan<byte> text, string what)
    {
        try
        {
            return s_strictUtf8.GetString(text);
        }
        catch (System.Text.DecoderFallbackException)
        {
            // The bytes themselves stay out of the message: they are client data.
            throw new PgProtocolException($"{what} is not valid UTF-8", "22021");
        }
    }
}
