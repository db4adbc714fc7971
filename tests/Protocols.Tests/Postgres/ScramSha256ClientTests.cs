using System.Security.Cryptography;
using System.Text;
using Sluice.Protocols.Postgres;

namespace Sluice.Protocols.Tests.Postgres;

public sealed class ScramSha256ClientTests
{
    private const string ServerFirst =
        "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096";

    [Fact]
    public void Rfc7677Vector_ProducesExpectedProofAndAcceptsServerSignature()
    {
        var client = new ScramSha256Client("pencil", "rOprNGfwEbeRWgbNEkqO", username: "user");
        Assert.Equal("n,,n=user,r=rOprNGfwEbeRWgbNEkqO", Encoding.UTF8.GetString(client.ClientFirstMessage()));

        string final = Encoding.UTF8.GetString(client.ClientFinalMessage(Encoding.UTF8.GetBytes(ServerFirst)));
        Assert.Equal("c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,"
            + "p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=", final);

        client.VerifyServerFinal("v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4="u8);
    }

    [Fact]
    public void DefaultUsername_IsEmptyAsPostgresSends()
    {
        var client = new ScramSha256Client("pencil", "abc");
        Assert.Equal("n,,n=,r=abc", Encoding.UTF8.GetString(client.ClientFirstMessage()));
        Assert.StartsWith("n,,n=,r=", Encoding.UTF8.GetString(new ScramSha256Client("x").ClientFirstMessage()));
    }

    [Fact]
    public void UsernameSpecialCharacters_AreEscaped()
    {
        var client = new ScramSha256Client("p", "abc", "a=b,c");
        Assert.Equal("n,,n=a=3Db=2Cc,r=abc", Encoding.UTF8.GetString(client.ClientFirstMessage()));
    }

    [Fact]
    public void WrongServerSignature_Throws()
    {
        var client = new ScramSha256Client("pencil", "rOprNGfwEbeRWgbNEkqO", "user");
        client.ClientFinalMessage(Encoding.UTF8.GetBytes(ServerFirst));
        var e = Assert.Throws<PgProtocolException>(
            () => client.VerifyServerFinal("v=7rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4="u8));
        Assert.Equal("28P01", e.SqlState);
        Assert.Throws<PgProtocolException>(() => client.VerifyServerFinal("e=invalid-proof"u8));
        Assert.Throws<PgProtocolException>(() => client.VerifyServerFinal("x=1"u8));
    }

    [Theory]
    [InlineData("v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G8=")]  // differs only in the last byte
    [InlineData("v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5n")]              // a correct prefix of the signature
    [InlineData("v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4AAAA")] // the signature with bytes appended
    [InlineData("v=")]
    public void ServerSignatureThatIsNotExactlyTheExpectedOne_Throws(string serverFinal)
    {
        // The comparison is CryptographicOperations.FixedTimeEquals: a near miss, a prefix or an extension are
        // all refused, and none of them can be found byte by byte through timing.
        var client = new ScramSha256Client("pencil", "rOprNGfwEbeRWgbNEkqO", "user");
        client.ClientFinalMessage(Encoding.UTF8.GetBytes(ServerFirst));
        var e = Assert.Throws<PgProtocolException>(() => client.VerifyServerFinal(Encoding.ASCII.GetBytes(serverFinal)));
        Assert.Equal("28P01", e.SqlState);
    }

    [Fact]
    public void VerifyBeforeFinal_IsAnInvalidOperation()
    {
        Assert.Throws<InvalidOperationException>(() => new ScramSha256Client("p").VerifyServerFinal("v=AA=="u8));
    }

    [Theory]
    [InlineData("r=other%nonce,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096")]
    [InlineData("r=rOprNGfwEbeRWgbNEkqO,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096")]
    [InlineData("r=rOprNGfwEbeRWgbNEkqOxyz,s=not*base64,i=4096")]
    [InlineData("r=rOprNGfwEbeRWgbNEkqOxyz,s=,i=4096")]
    [InlineData("r=rOprNGfwEbeRWgbNEkqOxyz,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=0")]
    [InlineData("r=rOprNGfwEbeRWgbNEkqOxyz,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=-1")]
    [InlineData("r=rOprNGfwEbeRWgbNEkqOxyz,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=99999999999")]
    [InlineData("r=rOprNGfwEbeRWgbNEkqOxyz,s=W22ZaJ0SNY7soEsUEjb6gQ==")]
    [InlineData("m=ext,r=rOprNGfwEbeRWgbNEkqOxyz,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096")]
    public void BadServerFirst_Throws(string serverFirst)
    {
        var client = new ScramSha256Client("pencil", "rOprNGfwEbeRWgbNEkqO");
        Assert.Throws<PgProtocolException>(() => client.ClientFinalMessage(Encoding.UTF8.GetBytes(serverFirst)));
    }

    [Fact]
    public void IterationsAboveMaximum_AreRejectedBeforeDerivation()
    {
        var client = new ScramSha256Client("pencil", "abc") { MaxIterations = 10 };
        Assert.Throws<PgProtocolException>(() => client.ClientFinalMessage("r=abcdef,s=c2FsdA==,i=11"u8));
        Assert.Throws<PgProtocolException>(
            () => new ScramSha256Client("p", "abc").ClientFinalMessage("r=abcdef,s=c2FsdA==,i=2147483647"u8));
    }

    [Fact]
    public void OneIteration_IsAccepted()
    {
        var client = new ScramSha256Client("pencil", "abc");
        byte[] final = client.ClientFinalMessage("r=abcdef,s=c2FsdA==,i=1"u8);
        Assert.StartsWith("c=biws,r=abcdef,p=", Encoding.UTF8.GetString(final));
    }

    // Verifiers read from pg_authid of a PostgreSQL 15 server after CREATE ROLE ... PASSWORD '...'.
    [Theory]
    [InlineData("pencil", "zbemxXItZxAeDjtqpOOa+A==", "GfIneta1EqVFsnadY8T9S4Xan6ZM1UCQYG6VVEjHC64=",
        "ahJijb85pG5SH7Pd79GTheV9vezJBN7eZ7gnZlMxoNU=")]
    [InlineData("p\u00e4ssw\u00f6rd", "lVA2BFGe6CvG5rG3Mxpaag==", "30OeC1uP6sof7epoAPUOz1GdHLGwdZby2dL3LD4BJC0=",
        "gZv6snajhxFKaIwy5OE8bOM/vJ7+qiR+87XPMTczaQI=")]
    public void Exchange_SatisfiesVerifierStoredByPostgres(string password, string salt, string storedKey,
        string serverKey)
    {
        var client = new ScramSha256Client(password, "abc");
        string serverFirst = $"r=abcSERVER,s={salt},i=4096";
        string final = Encoding.UTF8.GetString(client.ClientFinalMessage(Encoding.UTF8.GetBytes(serverFirst)));
        byte[] authMessage = Encoding.UTF8.GetBytes("n=,r=abc," + serverFirst + ",c=biws,r=abcSERVER");

        // What the server checks: H(proof XOR HMAC(StoredKey, AuthMessage)) == StoredKey.
        byte[] proof = Convert.FromBase64String(final[(final.IndexOf(",p=", StringComparison.Ordinal) + 3)..]);
        byte[] signature = HMACSHA256.HashData(Convert.FromBase64String(storedKey), authMessage);
        byte[] clientKey = proof.Zip(signature, (a, b) => (byte)(a ^ b)).ToArray();
        Assert.Equal(Convert.FromBase64String(storedKey), SHA256.HashData(clientKey));

        byte[] serverSignature = HMACSHA256.HashData(Convert.FromBase64String(serverKey), authMessage);
        client.VerifyServerFinal(Encoding.UTF8.GetBytes("v=" + Convert.ToBase64String(serverSignature)));
    }
}
