using System.Security.Cryptography;
using System.Text;
using Sluice.Protocols.Postgres;

namespace Sluice.Protocols.Tests.Postgres;

public sealed class PgMd5PasswordTests
{
    [Fact]
    public void Compute_MatchesValueDerivedOnceWithPythonHashlib()
    {
        // python3: "md5" + md5(md5(b"secretpostgres").hexdigest().encode() + bytes([1,2,3,4])).hexdigest()
        Assert.Equal("md5bb41a296aab6baccb36ff243a562abff", PgMd5Password.Compute("postgres", "secret", [1, 2, 3, 4]));
    }

    [Fact]
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Security", "CA5351",
        Justification = "Recomputes PostgreSQL's MD5-based formula independently.")]
    public void Compute_FollowsTheFormulaForOtherInputs()
    {
        byte[] salt = [0xDE, 0xAD, 0xBE, 0xEF];
        string inner = Convert.ToHexStringLower(MD5.HashData(Encoding.UTF8.GetBytes("pencil" + "app")));
        string expected = "md5" + Convert.ToHexStringLower(MD5.HashData([.. Encoding.ASCII.GetBytes(inner), .. salt]));
        Assert.Equal(expected, PgMd5Password.Compute("app", "pencil", salt));
    }

    [Fact]
    public void Compute_RejectsWrongSaltLength()
    {
        Assert.Throws<ArgumentException>(() => PgMd5Password.Compute("u", "p", [1, 2, 3]));
    }
}
