using Sluice.Protocols.Postgres;

namespace Sluice.Protocols.Tests.Postgres;

public sealed class PgMessageReaderTests
{
    [Fact]
    public void Reads_BigEndianValuesAndCStrings_InOrder()
    {
        byte[] body = [0x7F, 0xFF, 0xFE, 0x00, 0x00, 0x01, 0x00, (byte)'h', (byte)'i', 0, 0xFF, 0xFF, 0xFF, 0xFF, 9];
        var reader = new PgMessageReader(body);

        Assert.Equal(0x7F, reader.ReadByte());
        Assert.Equal(-2, reader.ReadInt16BigEndian());
        Assert.Equal(256, reader.ReadInt32BigEndian());
        Assert.Equal("hi", reader.ReadCStringAsString());
        Assert.Equal(uint.MaxValue, reader.ReadUInt32BigEndian());
        Assert.Equal(1, reader.Remaining);
        Assert.Equal(new byte[] { 9 }, reader.ReadBytes(1).ToArray());
        Assert.True(reader.IsEnd);
        reader.EnsureEnd("test");
    }

    [Fact]
    public void ReadsPastEnd_Throw()
    {
        Assert.Throws<PgProtocolException>(() => new PgMessageReader([1]).ReadInt16BigEndian());
        Assert.Throws<PgProtocolException>(() => new PgMessageReader([]).ReadByte());
        Assert.Throws<PgProtocolException>(() => new PgMessageReader([1, 2]).ReadBytes(3));
        Assert.Throws<PgProtocolException>(() => new PgMessageReader([1, 2]).ReadBytes(-1));
        Assert.Throws<PgProtocolException>(() => new PgMessageReader("abc"u8).ReadCString());
        Assert.Throws<PgProtocolException>(() => new PgMessageReader([1]).EnsureEnd("test"));
    }

    [Fact]
    public void DescribeWithUnknownTarget_Throws()
    {
        byte[] frame = PgTestFrames.Typed('D', [(byte)'X', 0]);
        Assert.Throws<PgProtocolException>(
            () => PgMessages.DescribeOrClose(frame, PgFrontendMessageType.Describe, out _, out _));
    }
}
