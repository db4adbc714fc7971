using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Sluice.Protocols.Postgres;

namespace Sluice.Fuzz;

/// <summary>
/// Fuzz target for the SASL/SCRAM-SHA-256 messages the gateway parses: as a client of the upstream, the
/// AuthenticationSASL mechanism list, server-first and server-final; and the SASL messages a client could send
/// ('p' as SASLInitialResponse and SASLResponse). <see cref="PgProtocolException"/> is the only accepted
/// exception. When the client accepts a server-first, the target plays the server itself (with the platform's
/// crypto) and checks the client's proof, that the genuine server signature is accepted, and that a fuzzed
/// server-final is accepted only when it carries that signature.
/// The test project compiles this file too, to replay the seed corpus.
/// </summary>
public static class ScramTargets
{
    /// <summary>The password and client nonce the target's SCRAM client uses; seeds are made with them.</summary>
    public const string Password = "pencil";

    /// <summary>The fixed client nonce, so a seed's server-first can extend it.</summary>
    public const string ClientNonce = "fuzznonce";

    private const string ClientFirstBare = "n=,r=" + ClientNonce;

    private static long s_exchangesVerified;

    /// <summary>Exchanges whose server-first the client accepted and the target then checked as a server.</summary>
    public static long ExchangesVerified => Interlocked.Read(ref s_exchangesVerified);

    /// <summary>
    /// Input: server-first, NUL, server-final, NUL, one byte N and N bytes of the body of a client 'p' message,
    /// then an AuthenticationSASL mechanism list to the end. Missing parts are empty.
    /// </summary>
    public static void Scram(ReadOnlySpan<byte> data)
    {
        ReadOnlySpan<byte> serverFirst = NextPart(ref data);
        ReadOnlySpan<byte> serverFinal = NextPart(ref data);
        int bodyLength = data.IsEmpty ? 0 : Math.Min(data[0], data.Length - 1);
        ReadOnlySpan<byte> clientBody = data.IsEmpty ? default : data.Slice(1, bodyLength);
        ReadOnlySpan<byte> mechanisms = data.IsEmpty ? default : data[(1 + bodyLength)..];

        ServerExchange(serverFirst, serverFinal);
        ClientMessages(clientBody);
        MechanismList(mechanisms);
    }

    private static ReadOnlySpan<byte> NextPart(ref ReadOnlySpan<byte> data)
    {
        int nul = data.IndexOf((byte)0);
        ReadOnlySpan<byte> part = nul < 0 ? data : data[..nul];
        data = nul < 0 ? default : data[(nul + 1)..];
        return part;
    }

    private static void ServerExchange(ReadOnlySpan<byte> serverFirst, ReadOnlySpan<byte> serverFinal)
    {
        var client = new ScramSha256Client(Password, ClientNonce) { MaxIterations = 64 };
        if (!client.ClientFirstMessage().AsSpan().SequenceEqual(Encoding.ASCII.GetBytes("n,," + ClientFirstBare)))
        {
            throw new InvalidOperationException("client-first is not what PostgreSQL expects");
        }

        byte[] clientFinal;
        try
        {
            clientFinal = client.ClientFinalMessage(serverFirst);
        }
        catch (PgProtocolException)
        {
            return;
        }

        byte[] expectedSignature = CheckClientFinal(serverFirst, clientFinal);
        bool genuine = serverFinal.StartsWith("v="u8) && !serverFinal.ContainsAnyExceptInRange((byte)0x20, (byte)0x7E)
            && FromBase64(serverFinal[2..(serverFinal.IndexOf((byte)',') is int comma and >= 0 ? comma : serverFinal.Length)])
                is { } sent && sent.AsSpan().SequenceEqual(expectedSignature);
        try
        {
            client.VerifyServerFinal(serverFinal);
            if (!genuine)
            {
                throw new InvalidOperationException("a server-final without the right signature was accepted");
            }
        }
        catch (PgProtocolException) when (!genuine)
        {
        }

        // The real server's answer must always be accepted.
        var again = new ScramSha256Client(Password, ClientNonce) { MaxIterations = 64 };
        again.ClientFinalMessage(serverFirst);
        again.VerifyServerFinal(Encoding.ASCII.GetBytes("v=" + Convert.ToBase64String(expectedSignature)));
        Interlocked.Increment(ref s_exchangesVerified);
    }

    /// <summary>Checks client-final as a server would; returns the server signature the client must expect.</summary>
    private static byte[] CheckClientFinal(ReadOnlySpan<byte> serverFirst, byte[] clientFinal)
    {
        string first = Encoding.ASCII.GetString(serverFirst);
        string[] attributes = first.Split(',');
        string nonce = attributes[0][2..];
        byte[] salt = Convert.FromBase64String(attributes[1][2..]);
        int iterations = int.Parse(attributes[2][2..], System.Globalization.CultureInfo.InvariantCulture);

        string final = Encoding.ASCII.GetString(clientFinal);
        string withoutProofPrefix = "c=biws,r=" + nonce + ",p=";
        if (!final.StartsWith(withoutProofPrefix, StringComparison.Ordinal))
        {
            throw new InvalidOperationException("client-final does not echo the channel binding and server nonce");
        }

        byte[] proof = Convert.FromBase64String(final[withoutProofPrefix.Length..]);
        byte[] authMessage = Encoding.ASCII.GetBytes(
            ClientFirstBare + "," + first + "," + final[..(withoutProofPrefix.Length - 3)]);
        byte[] salted = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(Password), salt, iterations,
            HashAlgorithmName.SHA256, 32);
        byte[] clientKey = HMACSHA256.HashData(salted, "Client Key"u8);
        byte[] storedKey = SHA256.HashData(clientKey);
        byte[] clientSignature = HMACSHA256.HashData(storedKey, authMessage);
        byte[] recovered = new byte[proof.Length];
        for (int i = 0; i < proof.Length && i < clientSignature.Length; i++)
        {
            recovered[i] = (byte)(proof[i] ^ clientSignature[i]);
        }

        if (proof.Length != 32 || !SHA256.HashData(recovered).AsSpan().SequenceEqual(storedKey))
        {
            throw new InvalidOperationException("the client proof would not convince a server");
        }

        return HMACSHA256.HashData(HMACSHA256.HashData(salted, "Server Key"u8), authMessage);
    }

    private static byte[]? FromBase64(ReadOnlySpan<byte> text)
    {
        try
        {
            return Convert.FromBase64String(Encoding.ASCII.GetString(text));
        }
        catch (FormatException)
        {
            return null;
        }
    }

    /// <summary>Client SASL messages: the same 'p' body read in each of its layouts.</summary>
    private static void ClientMessages(ReadOnlySpan<byte> body)
    {
        byte[] frame = new byte[5 + body.Length];
        frame[0] = (byte)PgFrontendMessageType.Password;
        BinaryPrimitives.WriteInt32BigEndian(frame.AsSpan(1), 4 + body.Length);
        body.CopyTo(frame.AsSpan(5));
        try
        {
            PgMessages.SaslInitialResponse(frame, out ReadOnlySpan<byte> mechanism, out ReadOnlySpan<byte> response);
            if (mechanism.IndexOf((byte)0) >= 0 || response.Length > body.Length)
            {
                throw new InvalidOperationException("SASLInitialResponse returned more than the message held");
            }
        }
        catch (PgProtocolException)
        {
        }

        if (!PgMessages.SaslResponse(frame).SequenceEqual(body))
        {
            throw new InvalidOperationException("SASLResponse is not the message body");
        }
    }

    /// <summary>AuthenticationSASL: a list the decoder accepts must be readable by the mechanism lookup.</summary>
    private static void MechanismList(ReadOnlySpan<byte> list)
    {
        byte[] frame = new byte[9 + list.Length];
        frame[0] = (byte)PgBackendMessageType.Authentication;
        BinaryPrimitives.WriteInt32BigEndian(frame.AsSpan(1), 8 + list.Length);
        BinaryPrimitives.WriteInt32BigEndian(frame.AsSpan(5), 10);
        list.CopyTo(frame.AsSpan(9));
        try
        {
            PgAuthenticationRequest request = PgMessages.Authentication(frame);
            bool offered = PgAuthenticationRequest.OffersMechanism(request.Payload, ScramSha256Client.Mechanism);
            bool listed = Encoding.ASCII.GetString(request.Payload).Split('\0').Contains(ScramSha256Client.Mechanism);
            if (offered != listed)
            {
                throw new InvalidOperationException("the mechanism lookup disagrees with the list");
            }
        }
        catch (PgProtocolException)
        {
        }
    }
}
