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

    public static TheoryData<byte[], string> InvalidUtf8Parameters => new()
    {
        { StartupWith("user", [0xFF, (byte)'a']), "the value of start-up parameter \"user\" is not valid UTF-8" },
        { StartupWith("database", [0xC3]), "the value of start-up parameter \"database\" is not valid UTF-8" },
        { StartupWith("application_name", [0xED, 0xA0, 0x80]), "the value of start-up parameter \"application_name\" is not valid UTF-8" },
        { StartupWithName([(byte)'x', 0xFE]), "a start-up parameter name is not valid UTF-8" },
    };

    [Theory]
    [MemberData(nameof(InvalidUtf8Parameters))]
    public void InvalidUtf8InANameOrValue_Throws22021_WithoutQuotingTheBytes(byte[] frame, string message)
    {
        PgProtocolException e = Assert.Throws<PgProtocolException>(() => PgStartupPacket.Parse(frame));
        Assert.Equal("22021", e.SqlState);
        Assert.Equal(message, e.Message);
    }

    private static byte[] StartupWith(string name, byte[] value) =>
        Startup([.. System.Text.Encoding.ASCII.GetBytes(name), 0, .. value, 0]);

    private static byte[] StartupWithName(byte[] name) => Startup([.. name, 0, (byte)'v', 0]);

    private static byte[] Startup(byte[] parameters)
    {
        var frame = new byte[8 + parameters.Length + 1];
        BinaryPrimitives.WriteInt32BigEndian(frame, frame.Length);
        BinaryPrimitives.WriteInt32BigEndian(frame.AsSpan(4), PgStartupPacket.Protocol30);
        parameters.CopyTo(frame, 8);
        return frame;
    }
}
