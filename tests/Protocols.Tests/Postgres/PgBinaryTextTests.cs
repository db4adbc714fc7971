using Sluice.Protocols.Postgres;

namespace Sluice.Protocols.Tests.Postgres;

public sealed class PgBinaryTextTests
{
    [Theory]
    [InlineData("int4", "0000002a", "42")]
    [InlineData("int4", "ffffffff", "-1")]
    [InlineData("int2", "8000", "-32768")]
    [InlineData("int8", "000000e8d4a51000", "1000000000000")]
    [InlineData("bool", "01", "t")]
    [InlineData("bool", "00", "f")]
    [InlineData("text", "68c3a96c6c6f", "héllo")]
    [InlineData("jsonb", "017b7d", "{}")]
    [InlineData("float8", "3ff8000000000000", "1.5")]
    [InlineData("uuid", "0102030405060708090a0b0c0d0e0f10", "01020304-0506-0708-090a-0b0c0d0e0f10")]
    [InlineData("date", "00000000", "2000-01-01")]
    [InlineData("date", "fffffffe", "1999-12-30")]
    [InlineData("timestamptz", "0000000000000000", "2000-01-01 00:00:00+00")]
    [InlineData("timestamp", "00000000000f4241", "2000-01-01 00:00:01.000001")]
    public void Render_KnownTypes_AsPostgresPrintsThem(string type, string hex, string expected) =>
        Assert.Equal(expected, PgBinaryText.Render(type, Convert.FromHexString(hex)));

    [Theory]
    [InlineData("int4", "002a")]
    [InlineData("numeric", "0001")]
    [InlineData("jsonb", "027b7d")]
    [InlineData("bytea", "00ff")]
    public void Render_UnknownTypesAndWrongLengths_FallBackToHex(string type, string hex) =>
        Assert.Null(PgBinaryText.Render(type, Convert.FromHexString(hex)));
}
