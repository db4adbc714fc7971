using System.Globalization;
using System.Text;
using System.Text.Unicode;

namespace Sluice.Core.Recording;

/// <summary>
/// Prints a recording as a timeline for people: the session header, then one line per event with the
/// time since the session started, results as small aligned tables.
/// </summary>
public static class ReplayFormatter
{
    private const string Indent = "             ";

    /// <summary>
    /// Writes the timeline. If <paramref name="events"/> throws part way (a damaged recording), what came
    /// before is written first and the exception is passed on.
    /// </summary>
    public static void Write(TextWriter output, IEnumerable<RecordingEvent> events, ReplayOptions options)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(events);
        ArgumentNullException.ThrowIfNull(options);
        var state = new ReplayTable(options);
        DateTimeOffset? start = null;
        try
        {
            foreach (var item in events)
            {
                start ??= item.At;
                if (item is RowEvent row)
                {
                    state.Add(row.Cells);
                    continue;
                }

                state.WriteTo(output);
                if (item is SessionStartedEvent started)
                {
                    WriteHeader(output, started.Header);
                    continue;
                }

                string time = FormatOffset(item.At - start.Value);
                WriteEvent(output, time, item, state);
            }
        }
        finally
        {
            state.WriteTo(output);
        }
    }

    private static void WriteHeader(TextWriter output, SessionHeader header)
    {
        var invariant = CultureInfo.InvariantCulture;
        output.WriteLine($"session     {header.SessionId}");
        output.WriteLine(
            $"identity    {header.Subject}  auth {header.AuthMethod}"
            + (header.Issuer.Length > 0 ? $"  issuer {header.Issuer}" : string.Empty)
            + (header.Groups.Count > 0 ? $"  groups {string.Join(", ", header.Groups)}" : string.Empty));
        output.WriteLine($"connection  {header.Connection} ({header.Protocol})  upstream {header.Upstream}");
        output.WriteLine(
            $"client      {header.ClientAddress}{(header.ClientTls ? "  tls" : "  no tls")}"
            + (header.ClientUser is null ? string.Empty : $"  user {header.ClientUser}")
            + (header.ApplicationName is null ? string.Empty : $"  application {header.ApplicationName}"));
        string started = header.StartedAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss.fff'Z'", invariant);
        output.WriteLine($"started     {started}");
        output.WriteLine();
    }

    private static void WriteEvent(TextWriter output, string time, RecordingEvent item, ReplayTable table)
    {
        switch (item)
        {
            case RequestEvent request:
                string label = request.Name.Length > 0 ? $"{Label(request.Kind)} {request.Name}" : Label(request.Kind);
                if (request.Text.Length == 0)
                {
                    output.WriteLine($"{time} {label}");
                    break;
                }

                output.WriteLine($"{time} {label}: {IndentLines(request.Text)}");
                if (request.TextTruncated)
                {
                    output.WriteLine($"{Indent}(text cut: too long to record)");
                }

                break;
            case ParametersEvent parameters:
                output.WriteLine($"{time} parameters: {FormatParameters(parameters.Values, table.Options)}");
                break;
            case ColumnsEvent columns:
                table.Start(columns.Columns);
                output.WriteLine($"{time} columns: {FormatColumns(columns.Columns)}");
                break;
            case CopyDataEvent copy:
                output.WriteLine(string.Create(
                    CultureInfo.InvariantCulture,
                    $"{time} copy data {(copy.FromClient ? "from client" : "to client")}, {copy.Data.Length} bytes: "
                    + $"{Cell(copy.Data, !LooksLikeText(copy.Data), table.Options.MaxCellChars)}"));
                break;
            case CompletedEvent completed:
                WriteCompleted(output, time, completed);
                table.Reset();
                break;
            case ErrorEvent error:
                string severity = error.Fatal ? "FATAL" : "ERROR";
                output.WriteLine($"{time} {severity} {error.Code}: {IndentLines(error.Message)}");
                break;
            case NoticeEvent notice:
                output.WriteLine($"{time} notice {notice.Code}: {IndentLines(notice.Message)}");
                break;
            case NoteEvent note:
                output.WriteLine($"{time} note {note.Kind}: {IndentLines(note.Detail)}");
                break;
            case SessionEndedEvent ended:
                output.WriteLine(string.Create(
                    CultureInfo.InvariantCulture,
                    $"{time} session ended: {ended.Reason} ({ended.Statements} statements, {ended.Rows} rows, "
                    + $"{ended.Bytes} bytes)"));
                break;
        }
    }

    private static void WriteCompleted(TextWriter output, string time, CompletedEvent completed)
    {
        var invariant = CultureInfo.InvariantCulture;
        output.WriteLine(string.Create(
            invariant, $"{time} {completed.Tag} ({completed.Rows} rows, {completed.Bytes} bytes)"));
        long missing = completed.Rows - completed.RowsRecorded;
        if (missing > 0)
        {
            output.WriteLine(string.Create(invariant, $"{Indent}({missing} rows not recorded: budget)"));
        }
        else if (completed.Truncated)
        {
            output.WriteLine($"{Indent}(data not fully recorded: budget)");
        }
    }

    private static string Label(RequestKind kind) => kind switch
    {
        RequestKind.Query => "query",
        RequestKind.Parse => "parse",
        RequestKind.Bind => "bind",
        RequestKind.Execute => "execute",
        RequestKind.Describe => "describe",
        RequestKind.Close => "close",
        RequestKind.FunctionCall => "function call",
        RequestKind.CopyFromClient => "copy from client",
        _ => "request",
    };

    private static string FormatOffset(TimeSpan offset) =>
        string.Create(CultureInfo.InvariantCulture, $"[+{offset.TotalSeconds,8:0.000}s]");

    private static string FormatColumns(IReadOnlyList<RecordedColumn> columns)
    {
        var text = new StringBuilder();
        foreach (var column in columns)
        {
            if (text.Length > 0)
            {
                text.Append(", ");
            }

            text.Append(column.Name).Append(' ').Append(column.TypeName);
            if (column.IsBinary)
            {
                text.Append(" (binary)");
            }
        }

        return text.ToString();
    }

    private static string FormatParameters(IReadOnlyList<byte[]?> values, ReplayOptions options)
    {
        var text = new StringBuilder();
        for (int i = 0; i < values.Count; i++)
        {
            if (i > 0)
            {
                text.Append(", ");
            }

            var value = values[i];
            bool binary = value is not null && !LooksLikeText(value);
            text.Append(CultureInfo.InvariantCulture, $"${i + 1}=");
            text.Append(value is null ? "NULL" : Cell(value, binary, options.MaxCellChars));
        }

        return text.ToString();
    }

    private static bool LooksLikeText(byte[] value)
    {
        if (!Utf8.IsValid(value))
        {
            return false;
        }

        foreach (byte b in value)
        {
            if (b < 0x20 && b != (byte)'\t' && b != (byte)'\n' && b != (byte)'\r')
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>One cell for display: binary as \x hex, text with control characters escaped, cut to fit.</summary>
    internal static string Cell(byte[]? value, bool binary, int maxChars)
    {
        if (value is null)
        {
            return "NULL";
        }

        string text;
        if (binary)
        {
            int bytes = Math.Min(value.Length, Math.Max(1, maxChars / 2));
            text = @"\x" + Convert.ToHexStringLower(value.AsSpan(0, bytes));
            if (bytes < value.Length)
            {
                text += "…";
            }

            return text.Length > maxChars + 1 ? string.Concat(text.AsSpan(0, maxChars), "…") : text;
        }

        var builder = new StringBuilder(Math.Min(value.Length, maxChars + 8));
        foreach (char c in Encoding.UTF8.GetString(value))
        {
            if (builder.Length >= maxChars)
            {
                builder.Append('…');
                break;
            }

            switch (c)
            {
                case '\n':
                    builder.Append(@"\n");
                    break;
                case '\r':
                    builder.Append(@"\r");
                    break;
                case '\t':
                    builder.Append(@"\t");
                    break;
                default:
                    builder.Append(char.IsControl(c) ? '?' : c);
                    break;
            }
        }

        return builder.ToString();
    }

    private static string IndentLines(string text) =>
        text.Contains('\n', StringComparison.Ordinal)
            ? text.ReplaceLineEndings("\n" + Indent)
            : text;
}
