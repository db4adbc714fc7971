using System.Text;
using Sluice.Core.Policy;
using Sluice.Core.Recording;
using Sluice.Core.Sql;
using Sluice.Masking;

namespace Sluice.Protocols.Postgres;

/// <summary>
/// Reads every frame of a session as it passes, for the recording: statements as the client sent them
/// (an Execute is recorded with the text of the statement it runs, however long ago it was prepared),
/// result columns, rows, completions, errors. Refuses message types that have no place after start-up.
/// <see cref="Frontend"/> and <see cref="Backend"/> run on the two relay threads at once; each touches only
/// its own fields, and the counters are read once both have stopped.
/// </summary>
internal sealed class PgSessionInspector
{
    private readonly SessionRecorder _recorder;
    private readonly bool _recordBindParameters;
    private readonly PgResultMasking? _masking;
    private readonly PgStatementGuard? _guard;
    private readonly PgVolumeGuard? _volume;
    private readonly System.Buffers.ArrayBufferWriter<byte> _errorBuffer = new(256);

    // What each prepared statement and portal runs, so an Execute of a statement prepared long ago is still
    // recorded with its text. The unnamed ones, which most drivers use, avoid the dictionaries.
    private readonly Dictionary<string, byte[]> _statementTexts = new(StringComparer.Ordinal);
    private readonly Dictionary<string, byte[]> _portalTexts = new(StringComparer.Ordinal);
    private byte[] _unnamedStatementText = [];
    private byte[] _unnamedPortalText = [];

    public PgSessionInspector(
        SessionRecorder recorder, bool recordBindParameters, PgResultMasking? masking = null,
        PgStatementGuard? guard = null, PgVolumeGuard? volume = null)
    {
        _recorder = recorder;
        _recordBindParameters = recordBindParameters;
        _masking = masking;
        _guard = guard;
        _volume = volume;
    }

    /// <summary>Statements refused by the guardrails in this session.</summary>
    public long Denied { get; private set; }

    /// <summary>Called with the rows and bytes of each result (or portal batch) as it ends.</summary>
    public Action<long, long>? OnResultVolume { get; init; }

    /// <summary>Called for each refused statement: the decision, the statement, the message the client got.</summary>
    public Action<PolicyDecision, SqlStatement?, string>? OnDenied { get; init; }

    /// <summary>Cells the masking rewrote in this session.</summary>
    public long MaskedCells => _masking?.MaskedCells ?? 0;

    public long Statements { get; private set; }

    public long RowsToClient { get; private set; }

    public long BytesToClient { get; private set; }

    /// <summary>The upstream's FATAL error, once it sent one: it has told the client itself why it is closing.</summary>
    public string? UpstreamFatal { get; private set; }

    public bool UpstreamSentFatal => UpstreamFatal is not null;

    private long _resultRows;
    private long _resultBytes;
    private byte[]? _parameterScratch;

    /// <summary>Records what the client asks for. Returns a rejection for messages a client may not send here.</summary>
    public PgRelayOutcome Frontend(scoped ReadOnlySpan<byte> frame, out ReadOnlySpan<byte> replacement)
    {
        replacement = default;
        var verdict = Guard(frame, out var guardReplacement);
        if (verdict.Outcome == PgGuardOutcome.Wait)
        {
            // Held for approval: nothing is forwarded or recorded until the decision; then judged again.
            return PgRelayOutcome.Wait(verdict.Pending!);
        }

        var refusal = verdict.Outcome == PgGuardOutcome.Refuse ? verdict.Message : null;
        if (_masking is not null)
        {
            PgRelayOutcome masking;
            try
            {
                masking = _masking.Frontend(frame, out replacement);
            }
            catch (Exception e) when (e is MaskingException or PgCatalogException)
            {
                return PgRelayOutcome.MaskingFailed(e.Message);
            }

            if (masking.Pending is not null || masking.Rejects)
            {
                return masking;
            }

            refusal ??= masking.Reason;
        }

        if (refusal is null)
        {
            var recorded = RecordFrontend(frame);
            if (verdict.Note is { } note)
            {
                _recorder.Note("approval", note);
            }

            return recorded;
        }

        // A refused statement is recorded as the client sent it, then the refusal that replaced it.
        if (!guardReplacement.IsEmpty)
        {
            replacement = guardReplacement;
        }

        RecordFrontend(frame);
        _recorder.Note("refused", refusal);
        return PgRelayOutcome.Continue;
    }

    /// <summary>
    /// Judges a Query or Parse against the guardrails; for a refused one, builds the replacement frame. Nothing
    /// else is judged: every other message only acts on statements already judged.
    /// </summary>
    private PgGuardVerdict Guard(scoped ReadOnlySpan<byte> frame, out ReadOnlySpan<byte> replacement)
    {
        replacement = default;
        if (_guard is null)
        {
            return PgGuardVerdict.Allowed;
        }

        var type = (PgFrontendMessageType)frame[0];
        scoped ReadOnlySpan<byte> text;
        scoped ReadOnlySpan<byte> statementName = default;
        if (type == PgFrontendMessageType.Query)
        {
            text = PgMessages.QueryText(frame);
        }
        else if (type == PgFrontendMessageType.Parse)
        {
            PgMessages.ParseMessage(frame, out statementName, out text, out _);
        }
        else
        {
            return PgGuardVerdict.Allowed;
        }

        var verdict = _guard.Judge(text);
        if (verdict.Outcome != PgGuardOutcome.Refuse)
        {
            return verdict;
        }

        var message = verdict.Message!;
        replacement = type == PgFrontendMessageType.Query
            ? _guard.RefuseQuery(message)
            : _guard.RefuseParse(Encoding.UTF8.GetString(statementName), message);
        Denied++;
        OnDenied?.Invoke(verdict.Decision!, verdict.Statement, message);
        return verdict;
    }

    private PgRelayOutcome RecordFrontend(ReadOnlySpan<byte> frame)
    {
        var recorder = _recorder;
        switch ((PgFrontendMessageType)frame[0])
        {
            case PgFrontendMessageType.Query:
                Statements++;
                recorder.Request(RequestKind.Query, default, PgMessages.QueryText(frame));
                if (_volume is not null)
                {
                    _volume.Statement = Encoding.UTF8.GetString(PgMessages.QueryText(frame));
                }

                break;
            case PgFrontendMessageType.Parse:
                PgMessages.ParseMessage(frame, out var statement, out var text, out _);
                RememberText(_statementTexts, ref _unnamedStatementText, statement, text.ToArray());
                recorder.Request(RequestKind.Parse, statement, text);
                break;
            case PgFrontendMessageType.Bind:
                PgMessages.BindMessage(frame, out var portal, out var boundStatement, out _);
                var boundText = LookupText(_statementTexts, _unnamedStatementText, boundStatement);
                RememberText(_portalTexts, ref _unnamedPortalText, portal, boundText);
                if (_recordBindParameters)
                {
                    RecordParameters(frame);
                }

                break;
            case PgFrontendMessageType.Execute:
                PgMessages.ExecuteMessage(frame, out var executed, out _);
                Statements++;
                var executedText = LookupText(_portalTexts, _unnamedPortalText, executed);
                recorder.Request(RequestKind.Execute, executed, executedText);
                if (_volume is not null)
                {
                    _volume.Statement = Encoding.UTF8.GetString(executedText);
                }

                break;
            case PgFrontendMessageType.FunctionCall:
                Statements++;
                recorder.Request(RequestKind.FunctionCall, default, "function call"u8);
                break;
            case PgFrontendMessageType.CopyData:
                recorder.CopyData(frame[5..], fromClient: true);
                break;
            case PgFrontendMessageType.Close:
                Forget(frame);
                break;
            case PgFrontendMessageType.Terminate:
                return PgRelayOutcome.EndAfter("client terminated the session");
            case PgFrontendMessageType.Sync:
            case PgFrontendMessageType.Flush:
            case PgFrontendMessageType.Describe:
            case PgFrontendMessageType.CopyDone:
            case PgFrontendMessageType.CopyFail:
                break;
            default:
                return PgRelayOutcome.Violation(fromClient: true, $"message type '{(char)frame[0]}' is not valid after start-up");
        }

        return PgRelayOutcome.Continue;
    }

    /// <summary>
    /// Whether a client may send this message type once the session is running. Judged on the type byte alone,
    /// before the frame's body arrives, as PostgreSQL does: a stray start-up packet (whose first byte is 0)
    /// then ends the session at once instead of leaving the relay waiting for a body that never comes.
    /// </summary>
    public static bool IsFrontendTypeAfterStartup(byte type) => (PgFrontendMessageType)type is
        PgFrontendMessageType.Query or PgFrontendMessageType.Parse or PgFrontendMessageType.Bind
        or PgFrontendMessageType.Execute or PgFrontendMessageType.FunctionCall or PgFrontendMessageType.CopyData
        or PgFrontendMessageType.Close or PgFrontendMessageType.Terminate or PgFrontendMessageType.Sync
        or PgFrontendMessageType.Flush or PgFrontendMessageType.Describe or PgFrontendMessageType.CopyDone
        or PgFrontendMessageType.CopyFail;

    /// <summary>Records what the client receives: result columns, rows within the budget, completions, errors.</summary>
    public PgRelayOutcome Backend(scoped ReadOnlySpan<byte> original, out ReadOnlySpan<byte> replacement)
    {
        replacement = default;
        var type = (PgBackendMessageType)original[0];
        if (_volume is not null && type is PgBackendMessageType.DataRow or PgBackendMessageType.CopyData)
        {
            switch (_volume.OnRow(original.Length, out var pending))
            {
                case PgVolumeStep.Wait:
                    return PgRelayOutcome.Wait(pending!);
                case PgVolumeStep.Drop:
                    return PgRelayOutcome.Dropped;
            }

            if (_volume.TakeNote() is { } note)
            {
                _recorder.Note("approval", note);
            }
        }

        if (_masking is not null)
        {
            PgRelayOutcome masking;
            try
            {
                masking = _masking.Backend(original, out replacement);
            }
            catch (Exception e) when (e is MaskingException or PgCatalogException)
            {
                return PgRelayOutcome.MaskingFailed(e.Message);
            }

            if (masking.Pending is not null || masking.Rejects)
            {
                return masking;
            }
        }

        if (_volume is not null && type is PgBackendMessageType.RowDescription or PgBackendMessageType.CommandComplete
            or PgBackendMessageType.ErrorResponse or PgBackendMessageType.CopyOutResponse)
        {
            if (type is not PgBackendMessageType.RowDescription and not PgBackendMessageType.CopyOutResponse
                && _volume.CancelMessage is { } cancelled)
            {
                // The statement the volume guard cancelled ends with the gateway's reason, not the server's.
                _errorBuffer.ResetWrittenCount();
                PgWriter.ErrorResponse(_errorBuffer, "ERROR", "42501", cancelled);
                replacement = _errorBuffer.WrittenSpan;
                Denied++;
            }

            _volume.EndResult();
        }

        // What the client receives is what is counted and recorded: the masked row, never the original.
        var frame = replacement.IsEmpty ? original : replacement;
        var recorder = _recorder;
        BytesToClient += frame.Length;
        switch ((PgBackendMessageType)frame[0])
        {
            case PgBackendMessageType.DataRow:
                recorder.Row(PgMessages.DataRowCells(frame));
                _resultRows++;
                _resultBytes += frame.Length;
                RowsToClient++;
                break;
            case PgBackendMessageType.RowDescription:
                recorder.Columns(DescribeColumns(frame));
                _resultRows = 0;
                _resultBytes = 0;
                break;
            case PgBackendMessageType.CommandComplete:
                recorder.Completed(PgMessages.CommandTag(frame), _resultRows, _resultBytes);
                OnResultVolume?.Invoke(_resultRows, _resultBytes);
                _resultRows = 0;
                _resultBytes = 0;
                break;
            case PgBackendMessageType.PortalSuspended:
                recorder.Completed("(portal suspended)"u8, _resultRows, _resultBytes);
                OnResultVolume?.Invoke(_resultRows, _resultBytes);
                _resultRows = 0;
                _resultBytes = 0;
                break;
            case PgBackendMessageType.CopyData:
                recorder.CopyData(frame[5..], fromClient: false);
                _resultRows++;
                _resultBytes += frame.Length;
                RowsToClient++;
                break;
            case PgBackendMessageType.ErrorResponse:
                var error = PgMessages.ErrorOrNotice(frame);
                if (error.Severity is "FATAL" or "PANIC")
                {
                    UpstreamFatal = $"{error.Code} {error.Message}";
                }

                recorder.Error(
                    error.Severity is "FATAL" or "PANIC", Encoding.UTF8.GetBytes(error.Code), Encoding.UTF8.GetBytes(error.Message));
                break;
            case PgBackendMessageType.NoticeResponse:
                var notice = PgMessages.ErrorOrNotice(frame);
                recorder.Notice(Encoding.UTF8.GetBytes(notice.Code), Encoding.UTF8.GetBytes(notice.Message));
                break;
            case PgBackendMessageType.CopyOutResponse:
            case PgBackendMessageType.CopyInResponse:
            case PgBackendMessageType.CopyBothResponse:
                _resultRows = 0;
                _resultBytes = 0;
                break;
            case PgBackendMessageType.BindComplete:
            case PgBackendMessageType.CloseComplete:
            case PgBackendMessageType.CopyDone:
            case PgBackendMessageType.EmptyQueryResponse:
            case PgBackendMessageType.FunctionCallResponse:
            case PgBackendMessageType.NoData:
            case PgBackendMessageType.NotificationResponse:
            case PgBackendMessageType.ParameterDescription:
            case PgBackendMessageType.ParameterStatus:
            case PgBackendMessageType.ParseComplete:
            case PgBackendMessageType.ReadyForQuery:
                break;
            default:
                return PgRelayOutcome.Violation(fromClient: false, $"message type '{(char)frame[0]}' is not valid after start-up");
        }

        return PgRelayOutcome.Continue;
    }

    private static RecordedColumn[] DescribeColumns(ReadOnlySpan<byte> frame)
    {
        var count = PgMessages.RowDescriptionCount(frame);
        var fields = new PgFieldDescription[count];
        PgMessages.RowDescription(frame, fields);
        var columns = new RecordedColumn[count];
        for (var i = 0; i < count; i++)
        {
            columns[i] = new RecordedColumn(fields[i].Name, PgTypeNames.Of(fields[i].TypeOid), fields[i].FormatCode == 1);
        }

        return columns;
    }

    private void RecordParameters(ReadOnlySpan<byte> frame)
    {
        _parameterScratch ??= new byte[4096];
        int written;
        while ((written = PgMessages.BindParametersAsCells(frame, _parameterScratch)) < 0)
        {
            _parameterScratch = new byte[_parameterScratch.Length * 2];
        }

        _recorder.Parameters(_parameterScratch.AsSpan(0, written));
    }

    private static void RememberText(Dictionary<string, byte[]> named, ref byte[] unnamed, ReadOnlySpan<byte> name, byte[] text)
    {
        if (name.IsEmpty)
        {
            unnamed = text;
        }
        else
        {
            named[Encoding.UTF8.GetString(name)] = text;
        }
    }

    private static byte[] LookupText(Dictionary<string, byte[]> named, byte[] unnamed, ReadOnlySpan<byte> name)
    {
        if (name.IsEmpty)
        {
            return unnamed;
        }

        return named.TryGetValue(Encoding.UTF8.GetString(name), out var text) ? text : [];
    }

    /// <summary>Close ('S' statement or 'P' portal, then the name) drops what was remembered for it.</summary>
    private void Forget(ReadOnlySpan<byte> frame)
    {
        var reader = new PgMessageReader(frame[5..]);
        var kind = reader.ReadByte();
        var name = reader.ReadCString();
        if (name.IsEmpty)
        {
            return;
        }

        var key = Encoding.UTF8.GetString(name);
        _ = kind == (byte)'S' ? _statementTexts.Remove(key) : _portalTexts.Remove(key);
    }
}
