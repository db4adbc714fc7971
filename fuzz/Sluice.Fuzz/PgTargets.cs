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
