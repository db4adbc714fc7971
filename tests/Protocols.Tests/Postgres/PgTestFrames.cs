using System.Buffers;
using System.Buffers.Binary;
using System.Text;
using Sluice.Protocols.Postgres;

namespace Sluice.Protocols.Tests.Postgres;

/// <summary>One valid frame of every message type, built by the writers where one exists.</summary>
internal static class PgTestFrames
{
    public static byte[] Write(Action<ArrayBufferWriter<byte>> write)
    {
        var buffer = new ArrayBufferWriter<byte>();
        write(buffer);
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>A typed frame with an arbitrary body, for types that have no writer.</summary>
    public static byte[] Typed(char type, params byte[] body)
    {
        var frame = new byte[5 + body.Length];
        frame[0] = (byte)type;
        BinaryPrimitives.WriteInt32BigEndian(frame.AsSpan(1), body.Length + 4);
        body.CopyTo(frame, 5);
        return frame;
    }

    public static byte[] Cells(params string?[] values)
    {
        var bytes = new List<byte> { (byte)(values.Length >> 8), (byte)values.Length };
        foreach (string? value in values)
        {
            byte[] length = new byte[4];
            if (value is null)
            {
                BinaryPrimitives.WriteInt32BigEndian(length, -1);
                bytes.AddRange(length);
                continue;
            }

            byte[] data = Encoding.UTF8.GetBytes(value);
            BinaryPrimitives.WriteInt32BigEndian(length, data.Length);
            bytes.AddRange(length);
            bytes.AddRange(data);
        }

        return bytes.ToArray();
    }

    public static readonly PgFieldDescription[] SampleFields =
    [
        new("id", 16384, 1, 23, 4, -1, 0),
        new("email", 16384, 3, 25, -1, -1, 0),
        new("balance", 0, 0, 1700, -1, 786438, 1),
    ];

    public static IEnumerable<(string Name, byte[] Frame)> Frontend()
    {
        yield return ("Bind", Write(w => PgWriter.Bind(w, "p1", "s1", [0, 1], Cells("42", null), [1])));
        yield return ("Close", Write(w => PgWriter.Close(w, 'S', "s1")));
        yield return ("CopyData", Typed('d', "1\tone\n"u8.ToArray()));
        yield return ("CopyDone", Typed('c'));
        yield return ("CopyFail", Typed('f', "aborted\0"u8.ToArray()));
        yield return ("Describe", Write(w => PgWriter.Describe(w, 'P', "p1")));
        yield return ("Execute", Write(w => PgWriter.Execute(w, "p1", 100)));
        yield return ("Flush", Typed('H'));
        yield return ("FunctionCall", Typed('F', [0, 0, 4, 0, 0, 0, 0, 1, 0, 0, 0, 1, 7, 0, 0]));
        yield return ("Parse", Write(w => PgWriter.Parse(w, "s1", "select $1::int, $2", [23, 0])));
        yield return ("Password", Write(w => PgWriter.PasswordMessage(w, "hunter2")));
        yield return ("SASLInitialResponse",
            Write(w => PgWriter.SaslInitialResponse(w, "SCRAM-SHA-256", "n,,n=,r=abc"u8)));
        yield return ("SASLResponse", Write(w => PgWriter.SaslResponse(w, "c=biws,r=abcdef,p=xyz"u8)));
        yield return ("Query", Write(w => PgWriter.Query(w, "select 1")));
        yield return ("Sync", Write(PgWriter.Sync));
        yield return ("Terminate", Write(PgWriter.Terminate));
    }

    public static IEnumerable<(string Name, byte[] Frame)> Backend()
    {
        yield return ("AuthenticationOk", Write(PgWriter.AuthenticationOk));
        yield return ("AuthenticationSASL", Write(w => PgWriter.AuthenticationSasl(w, "SCRAM-SHA-256")));
        yield return ("AuthenticationMD5", Write(w => PgWriter.AuthenticationMd5Password(w, [1, 2, 3, 4])));
        yield return ("BackendKeyData", Write(w => PgWriter.BackendKeyData(w, 1234, -99)));
        yield return ("BindComplete", Typed('2'));
        yield return ("CloseComplete", Typed('3'));
        yield return ("CommandComplete", Write(w => PgWriter.CommandComplete(w, "SELECT 3")));
        yield return ("CopyData", Typed('d', "1\tone\n"u8.ToArray()));
        yield return ("CopyDone", Typed('c'));
        yield return ("CopyInResponse", Typed('G', [0, 0, 2, 0, 0, 0, 0]));
        yield return ("CopyOutResponse", Typed('H', [0, 0, 2, 0, 0, 0, 0]));
        yield return ("CopyBothResponse", Typed('W', [0, 0, 0]));
        yield return ("DataRow", Write(w => PgWriter.DataRow(w, Cells("1", "a@example.com", null, ""))));
        yield return ("EmptyQueryResponse", Typed('I'));
        yield return ("ErrorResponse", Write(w => PgWriter.ErrorResponse(w, "ERROR", "42501", "denied", "d", "h")));
        yield return ("FunctionCallResponse", Typed('V', [0, 0, 0, 1, 9]));
        yield return ("NegotiateProtocolVersion", Typed('v', [0, 3, 0, 0, 0, 0, 0, 0]));
        yield return ("NoData", Typed('n'));
        yield return ("NoticeResponse", Write(w => PgWriter.NoticeResponse(w, "WARNING", "01000", "careful")));
        yield return ("NotificationResponse", Typed('A', [0, 0, 0, 7, (byte)'c', 0, (byte)'p', 0]));
        yield return ("ParameterDescription", Typed('t', [0, 1, 0, 0, 0, 23]));
        yield return ("ParameterStatus", Write(w => PgWriter.ParameterStatus(w, "TimeZone", "UTC")));
        yield return ("ParseComplete", Typed('1'));
        yield return ("PortalSuspended", Typed('s'));
        yield return ("ReadyForQuery", Write(w => PgWriter.ReadyForQuery(w, 'T')));
        yield return ("RowDescription", Write(w => PgWriter.RowDescription(w, SampleFields)));
    }

    public static IEnumerable<(string Name, byte[] Frame)> Startup()
    {
        yield return ("StartupMessage", Write(w => PgWriter.StartupMessage(w,
            [new("user", "app"), new("database", "app"), new("application_name", "tests")])));
        yield return ("SSLRequest", Write(PgWriter.SslRequest));
        yield return ("GSSENCRequest", Write(PgWriter.GssEncRequest));
        yield return ("CancelRequest", Write(w => PgWriter.CancelRequest(w, 4242, 0x1234567)));
    }
}
