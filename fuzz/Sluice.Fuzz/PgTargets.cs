using System.Buffers;
using Sluice.Protocols.Postgres;

namespace Sluice.Fuzz;

/// <summary>
/// Fuzz targets for the PostgreSQL wire code. Each takes arbitrary bytes as a stream from one side of a
/// connection, frames it with <see cref="PgFrameScanner"/> and runs the matching decoder on every frame.
/// <see cref="PgProtocolException"/> is the only accepted exception; anything else escapes and is a finding.
/// The test project compiles this file too, to replay the seed corpus.
/// </summary>
public static class PgTargets
{
    private const int MaxMessageBytes = 1 << 16;

    private static long s_copyPayloadsReadBack;

    /// <summary>Client-to-server stream: startup-phase packets until a StartupMessage, then typed messages.</summary>
    public static void Frontend(ReadOnlySpan<byte> data)
    {
        var buffer = new ReadOnlySequence<byte>(data.ToArray());
        bool startupPhase = true;
        while (!buffer.IsEmpty)
        {
            int length;
            if (startupPhase)
            {
                if (PgFrameScanner.TryScanStartup(buffer, MaxMessageBytes, out length) != PgScanStatus.Complete)
                {
                    return;
                }

                byte[] frame = buffer.Slice(0, length).ToArray();
                if (!Guard(() => startupPhase = StartupIsNotFinal(frame)))
                {
                    return;
                }
            }
            else
            {
                if (PgFrameScanner.TryScanMessage(buffer, MaxMessageBytes, out _, out length) != PgScanStatus.Complete)
                {
                    return;
                }

                byte[] frame = buffer.Slice(0, length).ToArray();
                Guard(() => DecodeFrontend(frame));
            }

            buffer = buffer.Slice(length);
        }
    }

    /// <summary>Server-to-client stream of typed messages, including a SCRAM exchange driven by its payloads.</summary>
    public static void Backend(ReadOnlySpan<byte> data)
    {
        var buffer = new ReadOnlySequence<byte>(data.ToArray());
        var scram = new ScramSha256Client("pencil", "fuzz") { MaxIterations = 16 };
        bool finalSent = false;
        while (PgFrameScanner.TryScanMessage(buffer, MaxMessageBytes, out _, out int length) == PgScanStatus.Complete)
        {
            byte[] frame = buffer.Slice(0, length).ToArray();
            Guard(() => DecodeBackend(frame, scram, ref finalSent));
            buffer = buffer.Slice(length);
        }
    }

    /// <summary>COPY OUT rows in text format; see <see cref="Copy"/> for the input layout.</summary>
    public static void CopyText(ReadOnlySpan<byte> data) => Copy(data, PgCopyFormat.Text);

    /// <summary>COPY OUT rows in CSV format; see <see cref="Copy"/> for the input layout.</summary>
    public static void CopyCsv(ReadOnlySpan<byte> data) => Copy(data, PgCopyFormat.Csv);

    /// <summary>COPY OUT tuples in binary format; see <see cref="Copy"/> for the input layout.</summary>
    public static void CopyBinary(ReadOnlySpan<byte> data) => Copy(data, PgCopyFormat.Binary);

    /// <summary>
    /// Byte 0: column count (low 4 bits), HEADER (0x10), non-default delimiter/NULL/quote/escape (0x20). Then
    /// CopyData payloads, each after a big-endian UInt16 length (a short last one takes the rest). Every payload
    /// goes through a rewriter that masks column 1 with awkward bytes and column 2 with NULL; a second rewriter
    /// must then read each output back as one well-formed row holding the masked values. The rewriter must never
    /// throw, and with a buffer of <see cref="PgCopyRowRewriter.MaxRewrittenLength"/> never run short.
    /// </summary>
    private static void Copy(ReadOnlySpan<byte> data, PgCopyFormat format)
    {
        if (data.IsEmpty)
        {
            return;
        }

        int columns = data[0] & 0x0F;
        bool custom = (data[0] & 0x20) != 0;
        var options = new PgCopyOptions
        {
            Format = format,
            Header = (data[0] & 0x10) != 0 && format != PgCopyFormat.Binary,
            Delimiter = (custom, format == PgCopyFormat.Csv) switch
            {
                (true, true) => (byte)';',
                (true, false) => (byte)'|',
                (false, true) => (byte)',',
                _ => (byte)'\t',
            },
            Null = (custom, format == PgCopyFormat.Csv) switch
            {
                (true, true) => "NIL",
                (true, false) => "nil",
                (false, true) => string.Empty,
                _ => "\\N",
            },
            Quote = custom ? (byte)'\'' : (byte)'"',
            Escape = custom ? (byte)'\\' : (byte)'"',
        };
        var writer = new PgCopyRowRewriter(options, columns);
        var reader = new PgCopyRowRewriter(options, columns);
        var output = new byte[PgCopyRowRewriter.MaxRewrittenLength(data.Length, columns)];
        var echo = new byte[output.Length];
        data = data[1..];
        while (!data.IsEmpty)
        {
            int length = data.Length >= 2 ? Math.Min((data[0] << 8) | data[1], data.Length - 2) : data.Length;
            ReadOnlySpan<byte> payload = data.Length >= 2 ? data.Slice(2, length) : data;
            data = data[(data.Length >= 2 ? 2 + length : data.Length)..];

            PgCopyRewriteStatus status = writer.Rewrite(payload, output, MaskForFuzz, out int written, out _);
            if (status is PgCopyRewriteStatus.NotOneRow or PgCopyRewriteStatus.Malformed)
            {
                return;
            }

            if (status is not (PgCopyRewriteStatus.Rewritten or PgCopyRewriteStatus.Unchanged))
            {
                throw new InvalidOperationException("COPY rewrite ran short with a MaxRewrittenLength buffer");
            }

            if (status == PgCopyRewriteStatus.Unchanged && !output.AsSpan(0, written).SequenceEqual(payload))
            {
                throw new InvalidOperationException("an unchanged COPY payload was not copied exactly");
            }

            ReadOnlySpan<byte> rewritten = output.AsSpan(0, written);
            PgCopyRewriteStatus again = reader.Rewrite(rewritten, echo, CheckMasked, out int echoed, out _);
            if (again != PgCopyRewriteStatus.Unchanged || !echo.AsSpan(0, echoed).SequenceEqual(rewritten))
            {
                throw new InvalidOperationException("a rewritten COPY payload does not read back: " + again);
            }

            Interlocked.Increment(ref s_copyPayloadsReadBack);
        }
    }

    /// <summary>Payloads the COPY targets rewrote and read back, so a test can see the seeds get that far.</summary>
    public static long CopyPayloadsReadBack => Interlocked.Read(ref s_copyPayloadsReadBack);

    private static ReadOnlySpan<byte> FuzzMask => "m\t\n\r\\,;\"'|\b\u00fc"u8;

    private static int MaskForFuzz(int column, ReadOnlySpan<byte> value, bool isNull, Span<byte> destination) =>
        column switch
        {
            1 => FuzzMask.TryCopyTo(destination) ? FuzzMask.Length : PgCopyMaskResult.DestinationTooSmall,
            2 => PgCopyMaskResult.Null,
            _ => PgCopyMaskResult.Unchanged,
        };

    private static int CheckMasked(int column, ReadOnlySpan<byte> value, bool isNull, Span<byte> destination)
    {
        if ((column == 1 && (isNull || !value.SequenceEqual(FuzzMask))) || (column == 2 && !isNull))
        {
            throw new InvalidOperationException("a masked COPY field reads back as something else");
        }

        return PgCopyMaskResult.Unchanged;
    }

    private static bool StartupIsNotFinal(byte[] frame)
    {
        PgStartupPacket packet = PgStartupPacket.Parse(frame);
        _ = packet.Get("user");
        return packet.Code != PgStartupCode.Startup30;
    }

    private static void DecodeFrontend(byte[] frame)
    {
        switch ((PgFrontendMessageType)frame[0])
        {
            case PgFrontendMessageType.Query:
                PgMessages.QueryText(frame);
                break;
            case PgFrontendMessageType.Parse:
                PgMessages.ParseMessage(frame, out _, out _, out int typeCount);
                PgMessages.ParseParameterTypes(frame, new uint[typeCount]);
                break;
            case PgFrontendMessageType.Bind:
                PgMessages.BindMessage(frame, out _, out _, out int parameterCount);
                if (parameterCount > 0)
                {
                    PgMessages.BindParameterFormatCode(frame, parameterCount - 1);
                }

                byte[] cells = new byte[frame.Length];
                int written = PgMessages.BindParametersAsCells(frame, cells);
                if (written < 0 || PgMessages.ValidateCells(cells.AsSpan(0, written)) != parameterCount)
                {
                    throw new InvalidOperationException("Bind cells did not round-trip");
                }

                break;
            case PgFrontendMessageType.Execute:
                PgMessages.ExecuteMessage(frame, out _, out _);
                break;
            case PgFrontendMessageType.Describe or PgFrontendMessageType.Close:
                PgMessages.DescribeOrClose(frame, (PgFrontendMessageType)frame[0], out _, out _);
                break;
            case PgFrontendMessageType.Password:
                // One 'p' type carries three layouts; which applies depends on the conversation, so try each.
                Guard(() => PgMessages.PasswordText(frame));
                Guard(() => PgMessages.SaslInitialResponse(frame, out _, out _));
                PgMessages.SaslResponse(frame);
                break;
        }
    }

    private static void DecodeBackend(byte[] frame, ScramSha256Client scram, ref bool finalSent)
    {
        switch ((PgBackendMessageType)frame[0])
        {
            case PgBackendMessageType.DataRow:
                PgMessages.ValidateCells(PgMessages.DataRowCells(frame));
                break;
            case PgBackendMessageType.RowDescription:
                var fields = new PgFieldDescription[PgMessages.RowDescriptionCount(frame)];
                PgMessages.RowDescription(frame, fields);
                break;
            case PgBackendMessageType.CommandComplete:
                PgMessages.CommandTag(frame);
                break;
            case PgBackendMessageType.ErrorResponse or PgBackendMessageType.NoticeResponse:
                PgMessages.ErrorOrNotice(frame);
                break;
            case PgBackendMessageType.ReadyForQuery:
                PgMessages.ReadyForQueryStatus(frame);
                break;
            case PgBackendMessageType.BackendKeyData:
                PgMessages.BackendKeyData(frame, out _, out _);
                break;
            case PgBackendMessageType.ParameterStatus:
                PgMessages.ParameterStatus(frame, out _, out _);
                break;
            case PgBackendMessageType.Authentication:
                Authenticate(frame, scram, ref finalSent);
                break;
        }
    }

    private static void Authenticate(byte[] frame, ScramSha256Client scram, ref bool finalSent)
    {
        PgAuthenticationRequest request = PgMessages.Authentication(frame);
        switch (request.Code)
        {
            case PgAuthenticationCode.Md5Password:
                PgMd5Password.Compute("user", "pencil", request.Payload);
                break;
            case PgAuthenticationCode.Sasl:
                PgAuthenticationRequest.OffersMechanism(request.Payload, ScramSha256Client.Mechanism);
                break;
            case PgAuthenticationCode.SaslContinue:
                scram.ClientFinalMessage(request.Payload);
                finalSent = true;
                break;
            case PgAuthenticationCode.SaslFinal when finalSent:
                scram.VerifyServerFinal(request.Payload);
                break;
        }
    }

    private static bool Guard(Action action)
    {
        try
        {
            action();
            return true;
        }
        catch (PgProtocolException)
        {
            return false;
        }
    }
}
