using System.Text;
using Sluice.Protocols.Postgres;

namespace Sluice.Protocols.Tests.Postgres;

public sealed class PgMessagesFrontendTests
{
    [Fact]
    public void Query_RoundTrips()
    {
        byte[] frame = PgTestFrames.Write(w => PgWriter.Query(w, "select 'ö' as x"));
        Assert.Equal("select 'ö' as x", Encoding.UTF8.GetString(PgMessages.QueryText(frame)));

        byte[] fromBytes = PgTestFrames.Write(w => PgWriter.Query(w, "select 2"u8));
        Assert.Equal("select 2"u8.ToArray(), PgMessages.QueryText(fromBytes).ToArray());
    }

    [Fact]
    public void Parse_RoundTrips_WithParameterTypes()
    {
        byte[] frame = PgTestFrames.Write(w => PgWriter.Parse(w, "s1", "select $1, $2", [23, 0]));
        PgMessages.ParseMessage(frame, out ReadOnlySpan<byte> name, out ReadOnlySpan<byte> query, out int count);
        Assert.Equal("s1", Encoding.UTF8.GetString(name));
        Assert.Equal("select $1, $2", Encoding.UTF8.GetString(query));
        Assert.Equal(2, count);

        Span<uint> types = stackalloc uint[2];
        Assert.Equal(2, PgMessages.ParseParameterTypes(frame, types));
        Assert.Equal([23u, 0u], types.ToArray());
    }

    [Fact]
    public void Bind_RoundTrips_HeaderFormatsAndCells()
    {
        byte[] cells = PgTestFrames.Cells("42", null, "");
        byte[] frame = PgTestFrames.Write(w => PgWriter.Bind(w, "portal", "stmt", [0, 1, 0], cells, [1]));

        PgMessages.BindMessage(frame, out ReadOnlySpan<byte> portal, out ReadOnlySpan<byte> stmt, out int count);
        Assert.Equal("portal", Encoding.UTF8.GetString(portal));
        Assert.Equal("stmt", Encoding.UTF8.GetString(stmt));
        Assert.Equal(3, count);
        Assert.Equal(1, PgMessages.BindParameterFormatCode(frame, 1));
        Assert.Equal(0, PgMessages.BindParameterFormatCode(frame, 2));

        byte[] destination = new byte[64];
        int written = PgMessages.BindParametersAsCells(frame, destination);
        Assert.Equal(cells, destination[..written]);
        Assert.Equal(-1, PgMessages.BindParametersAsCells(frame, new byte[cells.Length - 1]));
    }

    [Fact]
    public void Bind_SingleOrNoFormat_AppliesToEveryParameter()
    {
        byte[] cells = PgTestFrames.Cells("a", "b");
        byte[] one = PgTestFrames.Write(w => PgWriter.Bind(w, "", "", [1], cells, []));
        byte[] none = PgTestFrames.Write(w => PgWriter.Bind(w, "", "", [], cells, []));
        Assert.Equal(1, PgMessages.BindParameterFormatCode(one, 1));
        Assert.Equal(0, PgMessages.BindParameterFormatCode(none, 1));
    }

    [Fact]
    public void Execute_Describe_Close_RoundTrip()
    {
        PgMessages.ExecuteMessage(PgTestFrames.Write(w => PgWriter.Execute(w, "p", 50)),
            out ReadOnlySpan<byte> portal, out int maxRows);
        Assert.Equal("p", Encoding.UTF8.GetString(portal));
        Assert.Equal(50, maxRows);

        PgMessages.DescribeOrClose(PgTestFrames.Write(w => PgWriter.Describe(w, 'S', "s9")),
            PgFrontendMessageType.Describe, out char target, out ReadOnlySpan<byte> name);
        Assert.Equal(('S', "s9"), (target, Encoding.UTF8.GetString(name)));

        PgMessages.DescribeOrClose(PgTestFrames.Write(w => PgWriter.Close(w, 'P', "")),
            PgFrontendMessageType.Close, out target, out name);
        Assert.Equal(('P', 0), (target, name.Length));
    }

    [Fact]
    public void Password_And_Sasl_RoundTrip()
    {
        Assert.Equal("tok.en", Encoding.UTF8.GetString(
            PgMessages.PasswordText(PgTestFrames.Write(w => PgWriter.PasswordMessage(w, "tok.en")))));

        byte[] initial = PgTestFrames.Write(w => PgWriter.SaslInitialResponse(w, "SCRAM-SHA-256", "n,,n=,r=x"u8));
        PgMessages.SaslInitialResponse(initial, out ReadOnlySpan<byte> mechanism, out ReadOnlySpan<byte> data);
        Assert.Equal("SCRAM-SHA-256", Encoding.UTF8.GetString(mechanism));
        Assert.Equal("n,,n=,r=x", Encoding.UTF8.GetString(data));

        byte[] response = PgTestFrames.Write(w => PgWriter.SaslResponse(w, "c=biws"u8));
        Assert.Equal("c=biws", Encoding.UTF8.GetString(PgMessages.SaslResponse(response)));
    }

    [Fact]
    public void Terminate_And_Sync_AreHeaderOnly()
    {
        Assert.Equal(new byte[] { (byte)'X', 0, 0, 0, 4 }, PgTestFrames.Write(PgWriter.Terminate));
        Assert.Equal(new byte[] { (byte)'S', 0, 0, 0, 4 }, PgTestFrames.Write(PgWriter.Sync));
    }

    [Fact]
    public void CapturedPgbenchExtendedSession_DecodesEveryFrame()
    {
        List<byte[]> frames = Captures.FrontendFrames(Captures.Read("pgbench-extended.frontend.bin"));
        int binds = 0;
        foreach (byte[] frame in frames.Skip(1))
        {
            switch ((PgFrontendMessageType)frame[0])
            {
                case PgFrontendMessageType.Parse:
                    PgMessages.ParseMessage(frame, out _, out ReadOnlySpan<byte> query, out int types);
                    Assert.Contains("between $1 and $2", Encoding.UTF8.GetString(query));
                    Assert.Equal(0, types);
                    break;
                case PgFrontendMessageType.Bind:
                    PgMessages.BindMessage(frame, out _, out _, out int count);
                    Assert.Equal(2, count);
                    byte[] cells = new byte[frame.Length];
                    int n = PgMessages.BindParametersAsCells(frame, cells);
                    Assert.Equal(2, PgMessages.ValidateCells(cells.AsSpan(0, n)));
                    binds++;
                    break;
                case PgFrontendMessageType.Execute:
                    PgMessages.ExecuteMessage(frame, out _, out int maxRows);
                    Assert.Equal(0, maxRows);
                    break;
                case PgFrontendMessageType.Describe:
                    PgMessages.DescribeOrClose(frame, PgFrontendMessageType.Describe, out char target, out _);
                    Assert.Equal('P', target);
                    break;
            }
        }

        Assert.Equal(2, binds);
        Assert.Equal((byte)'X', frames[^1][0]);
    }

    public static TheoryData<string, byte[]> MalformedFrontend => new()
    {
        { "query without NUL", PgTestFrames.Typed('Q', "select 1"u8.ToArray()) },
        { "query with trailing bytes", PgTestFrames.Typed('Q', [(byte)'x', 0, 1]) },
        { "parse type count overruns", PgTestFrames.Typed('P', [0, (byte)'q', 0, 0, 2, 0, 0, 0, 23]) },
        { "parse missing query NUL", PgTestFrames.Typed('P', [0, (byte)'q']) },
        { "bind value length overruns", PgTestFrames.Typed('B', [0, 0, 0, 0, 0, 1, 0, 0, 0, 9, 1, 0, 0]) },
        { "bind negative length", PgTestFrames.Typed('B', [0, 0, 0, 0, 0, 1, 0xFF, 0xFF, 0xFF, 0xFE, 0, 0]) },
        { "bind format count mismatch", PgTestFrames.Typed('B', [0, 0, 0, 2, 0, 0, 0, 0, 0, 1, 0xFF, 0xFF,
            0xFF, 0xFF, 0, 0]) },
        { "bind missing result formats", PgTestFrames.Typed('B', [0, 0, 0, 0, 0, 0]) },
        { "execute short", PgTestFrames.Typed('E', [0, 0, 0]) },
        { "password without NUL", PgTestFrames.Typed('p', "secret"u8.ToArray()) },
        { "wrong type", PgTestFrames.Typed('Z', [(byte)'I']) },
    };

    [Theory]
    [MemberData(nameof(MalformedFrontend))]
    public void MalformedFrontend_Throws(string what, byte[] frame)
    {
        Assert.NotEmpty(what);
        Assert.Throws<PgProtocolException>(() => DecodeByType(frame));
    }

    [Fact]
    public void DeclaredLengthDisagreeingWithSpan_Throws()
    {
        byte[] frame = PgTestFrames.Write(w => PgWriter.Query(w, "select 1"));
        Assert.Throws<PgProtocolException>(() => PgMessages.QueryText(frame.AsSpan(0, frame.Length - 1)));
        Assert.Throws<PgProtocolException>(() => PgMessages.QueryText([.. frame, 0]));
        Assert.Throws<PgProtocolException>(() => PgMessages.QueryText(frame.AsSpan(0, 3)));
    }

    [Fact]
    public void Writers_RejectEmbeddedNul()
    {
        Assert.Throws<ArgumentException>(() => PgTestFrames.Write(w => PgWriter.Query(w, "select 1\0drop")));
        Assert.Throws<ArgumentException>(() => PgTestFrames.Write(w => PgWriter.PasswordMessage(w, "a\0b")));
    }

    private static void DecodeByType(byte[] frame)
    {
        switch (frame[0])
        {
            case (byte)'Q': PgMessages.QueryText(frame); break;
            case (byte)'P': PgMessages.ParseMessage(frame, out _, out _, out _); break;
            case (byte)'B': PgMessages.BindMessage(frame, out _, out _, out _); break;
            case (byte)'E': PgMessages.ExecuteMessage(frame, out _, out _); break;
            case (byte)'p': PgMessages.PasswordText(frame); break;
            default: PgMessages.QueryText(frame); break;
        }
    }
}
