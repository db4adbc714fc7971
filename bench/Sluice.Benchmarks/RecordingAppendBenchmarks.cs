using System.Buffers.Binary;
using System.Text;
using BenchmarkDotNet.Attributes;
using Sluice.Core.Recording;

namespace Sluice.Benchmarks;

/// <summary>
/// What the relay pays per event to record a session: the <see cref="SessionRecorder"/> appends, which encode an
/// event into the recorder's in-memory buffer under its lock and return. Rows and COPY data are the 10,000 captured
/// rows of seven text columns (rows.backend.bin, 1.1 MB of cells), so the Mean per operation divided into the
/// bytes per row (106 of cells) gives MB/s. Compression and disk writes are left out: the flush interval is an hour
/// and an iteration (three invocations, under 4 MiB of events) stays below the buffer's high-water mark, so the
/// background flusher sleeps while it is measured; the buffer is written out after each iteration instead.
/// <see cref="RecordingFlushBenchmarks"/> measures that flush. The row budget is unlimited, so every row is
/// stored. Every append must allocate 0 B once the buffers have grown to their working size; the append that
/// crosses the high-water mark wakes the flusher, and that costs 32 B (the thread-pool work item that resumes the
/// flusher's timed wait), once per 4 MiB of events, not per event. Iterations are short (BenchmarkDotNet warns
/// about MinIterationTime): longer ones would wake the flusher and measure its competition for the machine.
/// </summary>
[MemoryDiagnoser]
[InvocationCount(3, 1)]
public class RecordingAppendBenchmarks : IDisposable
{
    private const int Rows = 10_000;
    private const int Requests = 4_096;
    private const int Completions = 16_384;

    private static readonly byte[] QueryText = Encoding.UTF8.GetBytes(
        "SELECT id, name, email, city, created, balance, note FROM customers "
        + "WHERE city = 'Lyon' AND balance > 100 ORDER BY created DESC LIMIT 50");

    private string _directory = "";
    private SessionRecorder? _recorder;
    private byte[] _result = [];
    private (int Start, int Length)[] _rows = [];
    private byte[][] _copyLines = [];

    [GlobalSetup]
    public void Setup()
    {
        _result = BenchRecording.LoadResult();
        _rows = CaptureSlices.DataRowBodies(_result);
        if (_rows.Length != Rows)
        {
            throw new InvalidOperationException($"the capture's result holds {_rows.Length} rows, not {Rows}");
        }

        _copyLines = [.. _rows.Select(r => CopyTextLine(_result.AsSpan(r.Start, r.Length)))];
        _directory = Directory.CreateTempSubdirectory("sluice-bench-").FullName;
        _recorder = BenchRecording.Create(_directory, new RecordingOptions
        {
            RowBytesPerStatement = long.MaxValue,
            FlushInterval = TimeSpan.FromHours(1),
        });

        Row();
        CopyData();
        Request();
        Completed();
        _recorder.Flush();
        if (BenchRecording.Count<RowEvent>(_recorder) != Rows
            || BenchRecording.Count<CopyDataEvent>(_recorder) != Rows
            || BenchRecording.Count<RequestEvent>(_recorder) != Requests
            || BenchRecording.Count<CompletedEvent>(_recorder) != Completions
            || _recorder.DroppedEvents != 0)
        {
            throw new InvalidOperationException("the recorder did not store every appended event");
        }
    }

    /// <summary>Writes out what the iteration appended, so the next one starts with an empty buffer.</summary>
    [IterationCleanup]
    public void WriteOut() => _recorder!.Flush();

    [GlobalCleanup]
    public void Dispose()
    {
        BenchRecording.Delete(_recorder, _directory);
        GC.SuppressFinalize(this);
    }

    /// <summary>One DataRow's cells, per row of the captured result.</summary>
    [Benchmark(Baseline = true, OperationsPerInvoke = Rows)]
    public void Row()
    {
        var recorder = _recorder!;
        var result = _result;
        foreach (var (start, length) in _rows)
        {
            recorder.Row(result.AsSpan(start, length));
        }
    }

    /// <summary>The same rows as COPY OUT text lines, one CopyData per row as PostgreSQL sends them.</summary>
    [Benchmark(OperationsPerInvoke = Rows)]
    public void CopyData()
    {
        var recorder = _recorder!;
        foreach (var line in _copyLines)
        {
            recorder.CopyData(line, fromClient: false);
        }
    }

    /// <summary>A simple-protocol query of 140 characters.</summary>
    [Benchmark(OperationsPerInvoke = Requests)]
    public void Request()
    {
        var recorder = _recorder!;
        for (int i = 0; i < Requests; i++)
        {
            recorder.Request(RequestKind.Query, default, QueryText);
        }
    }

    /// <summary>A statement's end with its tag and counts.</summary>
    [Benchmark(OperationsPerInvoke = Completions)]
    public void Completed()
    {
        var recorder = _recorder!;
        for (int i = 0; i < Completions; i++)
        {
            recorder.Completed("SELECT 10000"u8, Rows, 1_100_000);
        }
    }

    /// <summary>A row's cells as a COPY text-format line: tab-separated, \N for NULL, backslash escapes.</summary>
    private static byte[] CopyTextLine(ReadOnlySpan<byte> cells)
    {
        var line = new List<byte>(cells.Length);
        int count = BinaryPrimitives.ReadUInt16BigEndian(cells);
        int position = 2;
        for (int i = 0; i < count; i++)
        {
            if (i > 0)
            {
                line.Add((byte)'\t');
            }

            int length = BinaryPrimitives.ReadInt32BigEndian(cells[position..]);
            position += 4;
            if (length < 0)
            {
                line.AddRange("\\N"u8);
                continue;
            }

            foreach (var b in cells.Slice(position, length))
            {
                ReadOnlySpan<byte> escaped = b switch
                {
                    (byte)'\\' => "\\\\"u8,
                    (byte)'\t' => "\\t"u8,
                    (byte)'\n' => "\\n"u8,
                    (byte)'\r' => "\\r"u8,
                    _ => default,
                };
                if (escaped.IsEmpty)
                {
                    line.Add(b);
                }
                else
                {
                    line.AddRange(escaped);
                }
            }

            position += length;
        }

        line.Add((byte)'\n');
        return [.. line];
    }
}
