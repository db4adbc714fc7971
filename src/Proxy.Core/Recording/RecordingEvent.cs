namespace Sluice.Core.Recording;

/// <summary>One decoded event of a recording; the subclasses mirror the <see cref="SessionRecorder"/> calls.</summary>
/// <param name="At">When the recorder saw it (UTC, microsecond precision).</param>
public abstract record RecordingEvent(DateTimeOffset At);

/// <summary>The session header; always the first event.</summary>
public sealed record SessionStartedEvent(DateTimeOffset At, SessionHeader Header) : RecordingEvent(At);

/// <summary>A client request as sent: statement text and, for extended protocols, a statement or portal name.</summary>
/// <param name="TextTruncated">The text was longer than a recording keeps and was cut.</param>
public sealed record RequestEvent(DateTimeOffset At, RequestKind Kind, string Name, string Text, bool TextTruncated)
    : RecordingEvent(At);

/// <summary>Bind parameter values (only recorded when configured); a null entry is SQL NULL.</summary>
public sealed record ParametersEvent(DateTimeOffset At, IReadOnlyList<byte[]?> Values) : RecordingEvent(At);

/// <summary>Result column descriptions; starts a result.</summary>
public sealed record ColumnsEvent(DateTimeOffset At, IReadOnlyList<RecordedColumn> Columns) : RecordingEvent(At);

/// <summary>A row as the client received it; a null cell is SQL NULL.</summary>
public sealed record RowEvent(DateTimeOffset At, IReadOnlyList<byte[]?> Cells) : RecordingEvent(At);

/// <summary>A chunk of COPY data in either direction.</summary>
public sealed record CopyDataEvent(DateTimeOffset At, bool FromClient, byte[] Data) : RecordingEvent(At);

/// <summary>A statement finished.</summary>
/// <param name="Tag">Completion tag, such as "SELECT 3".</param>
/// <param name="Rows">Rows the client received, counted whether or not stored.</param>
/// <param name="Bytes">Bytes of rows the client received, counted whether or not stored.</param>
/// <param name="RowsRecorded">Rows actually stored in the recording for this statement.</param>
/// <param name="Truncated">The per-statement budget cut rows or COPY data.</param>
public sealed record CompletedEvent(
    DateTimeOffset At, string Tag, long Rows, long Bytes, long RowsRecorded, bool Truncated) : RecordingEvent(At);

/// <summary>An error the client received; fatal ones end the session.</summary>
public sealed record ErrorEvent(DateTimeOffset At, bool Fatal, string Code, string Message) : RecordingEvent(At);

/// <summary>A notice or warning the client received.</summary>
public sealed record NoticeEvent(DateTimeOffset At, string Code, string Message) : RecordingEvent(At);

/// <summary>Anything else worth a line in the timeline, such as a cancel request or a policy verdict.</summary>
public sealed record NoteEvent(DateTimeOffset At, string Kind, string Detail) : RecordingEvent(At);

/// <summary>The session ended; always the last event of a complete recording.</summary>
/// <param name="Statements">Statements completed in the session.</param>
/// <param name="Rows">Rows returned over the session.</param>
/// <param name="Bytes">Row bytes returned over the session.</param>
public sealed record SessionEndedEvent(DateTimeOffset At, string Reason, long Statements, long Rows, long Bytes)
    : RecordingEvent(At);
