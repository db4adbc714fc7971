using System.Text;
using Sluice.Protocols.Postgres;

namespace Sluice.Protocols.Tests.Postgres;

public sealed class PgMessagesBackendTests
{
    [Fact]
    public void DataRow_RoundTrips_CellsUnchanged()
    {
        byte[] cells = PgTestFrames.Cells("1", null, "", "grüße");
        byte[] frame = PgTestFrames.Write(w => PgWriter.DataRow(w, cells));
        ReadOnlySpan<byte> body = PgMessages.DataRowCells(frame);
        Assert.Equal(cells, body.ToArray());
        Assert.Equal(4, PgMessages.ValidateCells(body));
    }

    [Fact]
    public void RowDescription_RoundTrips()
    {
        byte[] frame = PgTestFrames.Write(w => PgWriter.RowDescription(w, PgTestFrames.SampleFields));
        int count = PgMessages.RowDescriptionCount(frame);
        var fields = new PgFieldDescription[count];
        Assert.Equal(3, PgMessages.RowDescription(frame, fields));
        Assert.Equal(PgTestFrames.SampleFields, fields);
        Assert.Throws<ArgumentException>(() => PgMessages.RowDescription(frame, new PgFieldDescription[2]));
    }

    [Fact]
    public void CommandComplete_ReadyForQuery_BackendKeyData_ParameterStatus_RoundTrip()
    {
        Assert.Equal("INSERT 0 5", Encoding.UTF8.GetString(
            PgMessages.CommandTag(PgTestFrames.Write(w => PgWriter.CommandComplete(w, "INSERT 0 5")))));
        foreach (char status in "ITE")
        {
            Assert.Equal(status,
                PgMessages.ReadyForQueryStatus(PgTestFrames.Write(w => PgWriter.ReadyForQuery(w, status))));
        }

        PgMessages.BackendKeyData(PgTestFrames.Write(w => PgWriter.BackendKeyData(w, 31337, int.MinValue)),
            out int pid, out int key);
        Assert.Equal((31337, int.MinValue), (pid, key));

        PgMessages.ParameterStatus(PgTestFrames.Write(w => PgWriter.ParameterStatus(w, "server_version", "15.8")),
            out string name, out string value);
        Assert.Equal(("server_version", "15.8"), (name, value));
    }

    [Fact]
    public void ErrorAndNotice_RoundTrip()
    {
        byte[] error = PgTestFrames.Write(w => PgWriter.ErrorResponse(w, "FATAL", "28P01", "bad token", "why", "fix"));
        Assert.Equal(new PgErrorFields("FATAL", "28P01", "bad token", "why", "fix"), PgMessages.ErrorOrNotice(error));

        byte[] notice = PgTestFrames.Write(w => PgWriter.NoticeResponse(w, "NOTICE", "00000", "hi"));
        Assert.Equal(new PgErrorFields("NOTICE", "00000", "hi", null, null), PgMessages.ErrorOrNotice(notice));
    }

    [Fact]
    public void Authentication_RoundTrips_EveryRequest()
    {
        byte[] ok = PgTestFrames.Write(PgWriter.AuthenticationOk);
        Assert.Equal(PgAuthenticationCode.Ok, PgMessages.Authentication(ok).Code);

        byte[] clear = PgTestFrames.Write(PgWriter.AuthenticationCleartextPassword);
        Assert.Equal(PgAuthenticationCode.CleartextPassword, PgMessages.Authentication(clear).Code);

        byte[] md5 = PgTestFrames.Write(w => PgWriter.AuthenticationMd5Password(w, [9, 8, 7, 6]));
        PgAuthenticationRequest md5Request = PgMessages.Authentication(md5);
        Assert.Equal(PgAuthenticationCode.Md5Password, md5Request.Code);
        Assert.Equal(new byte[] { 9, 8, 7, 6 }, md5Request.Payload.ToArray());

        byte[] sasl = PgTestFrames.Write(w => PgWriter.AuthenticationSasl(w, "SCRAM-SHA-256-PLUS", "SCRAM-SHA-256"));
        PgAuthenticationRequest saslRequest = PgMessages.Authentication(sasl);
        Assert.Equal(PgAuthenticationCode.Sasl, saslRequest.Code);
        Assert.True(PgAuthenticationRequest.OffersMechanism(saslRequest.Payload, ScramSha256Client.Mechanism));
        Assert.False(PgAuthenticationRequest.OffersMechanism(saslRequest.Payload, "SCRAM-SHA"));
        Assert.False(PgAuthenticationRequest.OffersMechanism("SCRAM-SHA-256"u8, "SCRAM-SHA-256"));

        byte[] next = PgTestFrames.Write(w => PgWriter.AuthenticationSaslContinue(w, "r=abc,s=c2FsdA==,i=1"u8));
        Assert.Equal(PgAuthenticationCode.SaslContinue, PgMessages.Authentication(next).Code);
        Assert.Equal("r=abc,s=c2FsdA==,i=1", Encoding.UTF8.GetString(PgMessages.Authentication(next).Payload));

        byte[] final = PgTestFrames.Write(w => PgWriter.AuthenticationSaslFinal(w, "v=xyz"u8));
        Assert.Equal(PgAuthenticationCode.SaslFinal, PgMessages.Authentication(final).Code);

        byte[] gss = PgTestFrames.Typed('R', [0, 0, 0, 7]);
        Assert.Equal((PgAuthenticationCode.Other, 7),
            (PgMessages.Authentication(gss).Code, PgMessages.Authentication(gss).RawCode));
    }

    [Fact]
    public void CapturedPsqlSession_DecodesEveryBackendFrame()
    {
        List<byte[]> frames = Captures.BackendFrames(Captures.Read("psql-scram.backend.bin"), answeredSsl: true);
        var seen = new HashSet<char>();
        int rows = 0;
        foreach (byte[] frame in frames)
        {
            seen.Add((char)frame[0]);
            DecodeBackend(frame, ref rows);
        }

        // The session's script produces all of these: auth, rows, an error, a notice, copy, and a notification.
        Assert.Subset(seen, "RSKZTDCENIGHdcA".ToHashSet());
        Assert.True(rows >= 7);

        List<byte[]> md5 = Captures.BackendFrames(Captures.Read("md5.backend.bin"), answeredSsl: false);
        PgAuthenticationRequest request = PgMessages.Authentication(md5[0]);
        Assert.Equal(PgAuthenticationCode.Md5Password, request.Code);
        Assert.Equal(4, request.Payload.Length);
    }

    [Fact]
    public void CapturedScramExchange_IsOfferedAndErrorFieldsAreRead()
    {
        List<byte[]> frames = Captures.BackendFrames(Captures.Read("psql-scram.backend.bin"), answeredSsl: true);
        PgAuthenticationRequest offer = PgMessages.Authentication(frames[0]);
        Assert.Equal(PgAuthenticationCode.Sasl, offer.Code);
        Assert.True(PgAuthenticationRequest.OffersMechanism(offer.Payload, "SCRAM-SHA-256"));

        PgErrorFields error = frames.Where(f => f[0] == 'E').Select(f => PgMessages.ErrorOrNotice(f)).Single();
        Assert.Equal(("ERROR", "22012", "division by zero"), (error.Severity, error.Code, error.Message));
        PgErrorFields notice = frames.Where(f => f[0] == 'N').Select(f => PgMessages.ErrorOrNotice(f)).First();
        Assert.Equal("hello 42", notice.Message);
    }

    public static TheoryData<string, byte[]> MalformedBackend => new()
    {
        { "datarow cell overruns", PgTestFrames.Typed('D', [0, 1, 0, 0, 0, 5, 1, 2]) },
        { "datarow count overruns", PgTestFrames.Typed('D', [0, 2, 0xFF, 0xFF, 0xFF, 0xFF]) },
        { "datarow negative length", PgTestFrames.Typed('D', [0, 1, 0xFF, 0xFF, 0xFF, 0xFD]) },
        { "datarow trailing bytes", PgTestFrames.Typed('D', [0, 0, 7]) },
        { "rowdesc count overruns", PgTestFrames.Typed('T', [0, 9, (byte)'a', 0]) },
        { "rowdesc name without NUL", PgTestFrames.Typed('T', [0, 1, .. Enumerable.Repeat((byte)'a', 25)]) },
        { "command tag without NUL", PgTestFrames.Typed('C', "SELECT 1"u8.ToArray()) },
        { "error without terminator", PgTestFrames.Typed('E', [(byte)'S', (byte)'E', 0]) },
        { "error missing code", PgTestFrames.Typed('E', [(byte)'S', (byte)'E', 0, (byte)'M', (byte)'m', 0, 0]) },
        { "ready bad status", PgTestFrames.Typed('Z', [(byte)'Q']) },
        { "ready too long", PgTestFrames.Typed('Z', [(byte)'I', 0]) },
        { "key data short", PgTestFrames.Typed('K', [0, 0, 0, 1]) },
        { "parameter status one string", PgTestFrames.Typed('S', [(byte)'a', 0]) },
        { "auth md5 salt short", PgTestFrames.Typed('R', [0, 0, 0, 5, 1, 2]) },
        { "auth ok with payload", PgTestFrames.Typed('R', [0, 0, 0, 0, 1]) },
        { "auth sasl unterminated", PgTestFrames.Typed('R', [0, 0, 0, 10, (byte)'X', 0]) },
        { "auth no code", PgTestFrames.Typed('R', [0, 0]) },
    };

    [Theory]
    [MemberData(nameof(MalformedBackend))]
    public void MalformedBackend_Throws(string what, byte[] frame)
    {
        Assert.NotEmpty(what);
        int rows = 0;
        PgProtocolException e = Assert.Throws<PgProtocolException>(() => DecodeBackend(frame, ref rows));
        Assert.Equal("08P01", e.SqlState);
    }

    private static void DecodeBackend(byte[] frame, ref int rows)
    {
        switch ((PgBackendMessageType)frame[0])
        {
            case PgBackendMessageType.DataRow:
                Assert.True(PgMessages.ValidateCells(PgMessages.DataRowCells(frame)) > 0);
                rows++;
                break;
            case PgBackendMessageType.RowDescription:
                var fields = new PgFieldDescription[PgMessages.RowDescriptionCount(frame)];
                PgMessages.RowDescription(frame, fields);
                Assert.All(fields, f => Assert.NotEmpty(f.Name));
                break;
            case PgBackendMessageType.CommandComplete:
                Assert.False(PgMessages.CommandTag(frame).IsEmpty);
                break;
            case PgBackendMessageType.ErrorResponse or PgBackendMessageType.NoticeResponse:
                Assert.Equal(5, PgMessages.ErrorOrNotice(frame).Code.Length);
                break;
            case PgBackendMessageType.ReadyForQuery:
                Assert.Contains(PgMessages.ReadyForQueryStatus(frame), "ITE");
                break;
            case PgBackendMessageType.BackendKeyData:
                PgMessages.BackendKeyData(frame, out int pid, out _);
                Assert.True(pid > 0);
                break;
            case PgBackendMessageType.ParameterStatus:
                PgMessages.ParameterStatus(frame, out string name, out _);
                Assert.NotEmpty(name);
                break;
            case PgBackendMessageType.Authentication:
                PgMessages.Authentication(frame);
                break;
        }
    }
}
