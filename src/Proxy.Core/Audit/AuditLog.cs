using System.Text.Json;

namespace Sluice.Core.Audit;

/// <summary>
/// Structured audit events, one JSON object per line. Audit events are rare (session start and end,
/// refusals) and must not be lost, so each line is flushed as it is written.
/// </summary>
public sealed class AuditLog : IDisposable
{
    private readonly Lock _gate = new();
    private readonly Stream _output;
    private readonly bool _ownsOutput;
    private readonly TimeProvider _time;
    private readonly Utf8JsonWriter _writer;

    /// <param name="path">File to append to, or "-" for standard output.</param>
    public AuditLog(string path, TimeProvider time)
    {
        _time = time;
        if (path == "-")
        {
            _output = Console.OpenStandardOutput();
            _ownsOutput = false;
        }
        else
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
            _output = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.Read, 4096, FileOptions.None);
            _ownsOutput = true;
        }

        _writer = new Utf8JsonWriter(_output, new JsonWriterOptions { SkipValidation = false });
    }

    /// <summary>Writes one event. The callback adds the event's own fields after type and time.</summary>
    public void Write(string type, Action<Utf8JsonWriter> fields)
    {
        lock (_gate)
        {
            _writer.Reset(_output);
            _writer.WriteStartObject();
            _writer.WriteString("time", _time.GetUtcNow());
            _writer.WriteString("type", type);
            fields(_writer);
            _writer.WriteEndObject();
            _writer.Flush();
            _output.WriteByte((byte)'\n');
            _output.Flush();
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _writer.Dispose();
            if (_ownsOutput)
            {
                _output.Dispose();
            }
        }
    }
}
