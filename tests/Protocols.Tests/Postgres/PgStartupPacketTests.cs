using System.Buffers.Binary;
using Sluice.Protocols.Postgres;

namespace Sluice.Protocols.Tests.Postgres;

public sealed class PgStartupPacketTests
{
    [Fact]
    public void StartupMessage_RoundTrips_ParametersInOrder()
    {
        KeyValuePair<string, string>[] parameters =
            [new("user", "app"), new("database", "shop"), new("options", "-c search_path=ü")];
        byte[] frame = PgTestFrames.Write(w => PgWriter.StartupMessage(w, parameters));

        PgStartupPacket packet = PgStartupPacket.Parse(frame);

        Assert.Equal(PgStartupCode.Startup30, packet.Code);
        Assert.Equal(196608, packet.ProtocolVersion);
        Assert.Equal((3, 0), (packet.ProtocolMajor, packet.ProtocolMinor));
        Assert.Equal(parameters, packet.Parameters);
        Assert.Equal("shop", packet.Get("database"));
        Assert.Null(packet.Get("Database"));
    }

    [Fact]
    public void SslGssAndCancel_RoundTrip()
    {
        Assert.Equal(PgStartupCode.SslRequest, PgStartupPacket.Parse(PgTestFrames.Write(PgWriter.SslRequest)).Code);
        Assert.Equal(PgStartupCode.GssEncRequest,
            PgStartupPacket.Parse(PgTestFrames.Write(PgWriter.GssEncRequest)).Code);

        PgStartupPacket cancel = PgStartupPacket.Parse(PgTestFrames.Write(w => PgWriter.CancelRequest(w, 77, -5)));
        Assert.Equal(PgStartupCode.CancelRequest, cancel.Code);
        Assert.Equal(77, cancel.CancelProcessId);
        Assert.Equal(-5, cancel.CancelSecretKey);
        Assert.Empty(cancel.Parameters);
    }

    [Fact]
    public void EmptyParameterList_IsValid()
    {
        Assert.Empty(PgStartupPacket.Parse(new byte[] { 0, 0, 0, 9, 0, 3, 0, 0, 0 }).Parameters);
    }

    [Fact]
    public void Protocol2Code_IsUnknownNotAnError()
    {
        byte[] frame = [0, 0, 0, 8, 0, 2, 0, 0];
        PgStartupPacket packet = PgStartupPacket.Parse(frame);
        Assert.Equal(PgStartupCode.Unknown, packet.Code);
        Assert.Equal(131072, packet.ProtocolVersion);
    }

    [Fact]
    public void CapturedPsqlStartup_ParsesSslRequestThenParameters()
    {
        byte[] capture = Captures.Read("psql-scram.frontend.bin");
        PgStartupPacket ssl = PgStartupPacket.Parse(capture.AsSpan(0, 8));
        Assert.Equal(PgStartupCode.SslRequest, ssl.Code);

        int length = BinaryPrimitives.ReadInt32BigEndian(capture.AsSpan(8));
        PgStartupPacket startup = PgStartupPacket.Parse(capture.AsSpan(8, length));
        Assert.Equal("app", startup.Get("user"));
        Assert.Equal("app", startup.Get("database"));
        Assert.Equal("psql", startup.Get("application_name"));
    }

    public static TheoryData<byte[]> MalformedFrames => new()
    {
        { new byte[] { 0, 0, 0, 8, 0, 3 } },                                   // shorter than the header
        { new byte[] { 0, 0, 0, 9, 0, 3, 0, 0, (byte)'x' } },                  // name not NUL-terminated
        { new byte[] { 0, 0, 0, 12, 0, 3, 0, 0, (byte)'u', 0, (byte)'a', 0 } }, // no final terminator
        { new byte[] { 0, 0, 0, 11, 0, 3, 0, 0, (byte)'u', 0, (byte)'a' } },    // value not NUL-terminated
        { new byte[] { 0, 0, 0, 10, 0, 3, 0, 0, 0, 7 } },                       // bytes after the terminator
        { new byte[] { 0, 0, 0, 9, 4, 0xD2, 0x16, 0x2F, 0 } },                  // SSLRequest with a body
        { new byte[] { 0, 0, 0, 12, 4, 0xD2, 0x16, 0x2E, 0, 0, 0, 1 } },        // CancelRequest too short
        { new byte[] { 0, 0, 0, 20, 0, 3, 0, 0, 0 } },                          // length beyond the frame
        { new byte[] { 0, 0, 0, 15, 0, 3, 0, 0, (byte)'u', 0, 0, (byte)'u', 0, 0, 0 } }, // duplicate name
    };

    [Theory]
    [MemberData(nameof(MalformedFrames))]
    public void Malformed_Throws(byte[] frame)
    {
        PgProtocolException e = Assert.Throws<PgProtocolException>(() => PgStartupPacket.Parse(frame));
        Assert.Equal("08P01", e.SqlState);
    }
}
