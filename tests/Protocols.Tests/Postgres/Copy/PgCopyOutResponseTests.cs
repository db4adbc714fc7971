using Sluice.Protocols.Postgres;

namespace Sluice.Protocols.Tests.Postgres.Copy;

/// <summary>CopyOutResponse as PostgreSQL 15 sent it for the captured vectors.</summary>
public sealed class PgCopyOutResponseTests
{
    [Fact]
    public void TextResponse_SevenTextColumns()
    {
        int columns = PgCopyOutResponse.Read(Message(0, 7, 0), out bool binary);

        Assert.Equal(7, columns);
        Assert.False(binary);
        Assert.True(PgCopyOutResponse.Matches(PgCopyFormat.Csv, binary));
        Assert.False(PgCopyOutResponse.Matches(PgCopyFormat.Binary, binary));
    }

    [Fact]
    public void BinaryResponse_SevenBinaryColumns()
    {
        Assert.Equal(7, PgCopyOutResponse.Read(Message(1, 7, 1), out bool binary));
        Assert.True(binary);
    }

    [Fact]
    public void MixedFormatsTruncationAndUnknownFormat_Throw()
    {
        byte[] mixed = Message(0, 2, 0);
        mixed[^1] = 1;
        byte[] good = Message(0, 3, 0);
        byte[] truncated = [(byte)'H', 0, 0, 0, 9, .. good.AsSpan(5, 5)];

        Assert.Throws<PgProtocolException>(() => PgCopyOutResponse.Read(mixed, out _));
        Assert.Throws<PgProtocolException>(() => PgCopyOutResponse.Read(truncated, out _));
        Assert.Throws<PgProtocolException>(() => PgCopyOutResponse.Read(Message(2, 1, 2), out _));
    }

    private static byte[] Message(byte overall, short columns, short code)
    {
        var body = new List<byte> { overall, (byte)(columns >> 8), (byte)columns };
        for (int i = 0; i < columns; i++)
        {
            body.Add((byte)(code >> 8));
            body.Add((byte)code);
        }

        int length = body.Count + 4;
        return [(byte)'H', (byte)(length >> 24), (byte)(length >> 16), (byte)(length >> 8), (byte)length, .. body];
    }
}
