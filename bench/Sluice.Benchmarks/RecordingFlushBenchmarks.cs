using BenchmarkDotNet.Attributes;
using Sluice.Core.Recording;

namespace Sluice.Benchmarks;

/// <summary>
/// What the recorder's flusher pays to turn buffered events into a frame: zstd compression at the configured
/// level, the SHA-256 chain and one write to the file (page cache only: fsync is off, as by default). Each
/// invocation buffers the events of the captured 10,000-row result (1.06 MB of cells, 1.23 MB of events) and
/// calls <see cref="SessionRecorder.Flush"/>, which writes them as one frame (below the 4 MiB frame target), so
/// MB/s is about 1.2 MB divided by the Mean. <see cref="FlushResult"/> includes its 10,000 row appends (see
/// <see cref="RecordingAppendBenchmarks.Row"/> to subtract them); <see cref="FlushChunk"/> buffers the same bytes
/// as one COPY event, so it is almost all compression and writing. In the product the flusher does this on its
/// own thread every <see cref="RecordingOptions.FlushInterval"/> (1 s), or at once when 4 MiB are buffered; here
/// the interval is an hour and the benchmark thread flushes. The captured rows compress about tenfold (a frame of
/// some 130 KB at either level; setup prints the size). Each iteration starts a new recording so the file stays
/// small; the recorder is warmed before the iteration is measured.
/// </summary>
[MemoryDiagnoser]
[InvocationCount(32, 1)]
public class RecordingFlushBenchmarks : IDisposable
{
    private const int Rows = 10_000;

    private static readonly byte[] QueryText = "SELECT * FROM customers"u8.ToArray();

    private string _directory = "";
    private SessionRecorder? _recorder;
    private byte[] _result = [];
    private (int Start, int Length)[] _rows = [];

    [Params(1, 3)]
    public int ZstdLevel { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _result = BenchRecording.LoadResult();
        _rows = CaptureSlices.DataRowBodies(_result);
        _directory = Directory.CreateTempSubdirectory("sluice-bench-").FullName;
        _recorder = NewRecorder();

        long before = new FileInfo(_recorder.FilePath).Length;
        FlushResult();
        long frame = new FileInfo(_recorder.FilePath).Length - before;
        FlushChunk();
        if (_rows.Length != Rows || BenchRecording.Count<RowEvent>(_recorder) != Rows
            || BenchRecording.Count<CompletedEvent>(_recorder) != 1
            || BenchRecording.Count<CopyDataEvent>(_recorder) != 1 || frame <= 0)
        {
            throw new InvalidOperationException("the flush did not write the result's events");
        }

        Console.WriteLine($"// zstd level {ZstdLevel}: the result's rows became a frame of {frame:N0} bytes");
    }

    /// <summary>
    /// Starts the next iteration on a new recording so the file does not grow without end. Two rounds of each
    /// kind warm it: the recorder swaps two buffers, and both must have grown to a result's size, or the
    /// measured invocations would rent their arrays.
    /// </summary>
    [IterationCleanup]
    public void NextRecording()
    {
        BenchRecording.Delete(_recorder, "");
        File.Delete(_recorder!.FilePath);
        _recorder = NewRecorder();
        for (int i = 0; i < 2; i++)
        {
            FlushResult();
            FlushChunk();
        }
    }

    [GlobalCleanup]
    public void Dispose()
    {
        BenchRecording.Delete(_recorder, _directory);
        GC.SuppressFinalize(this);
    }

    /// <summary>A query, its 10,000 rows and its completion, then the flush.</summary>
    [Benchmark(Baseline = true)]
    public void FlushResult()
    {
        var recorder = _recorder!;
        var result = _result;
        recorder.Request(RequestKind.Query, default, QueryText);
        foreach (var (start, length) in _rows)
        {
            recorder.Row(result.AsSpan(start, length));
        }

        recorder.Completed("SELECT 10000"u8, Rows, result.Length);
        recorder.Flush();
    }

    /// <summary>The same result's bytes as one COPY event, then the flush.</summary>
    [Benchmark]
    public void FlushChunk()
    {
        _recorder!.CopyData(_result, fromClient: false);
        _recorder.Flush();
    }

    private SessionRecorder NewRecorder() => BenchRecording.Create(_directory, new RecordingOptions
    {
        RowBytesPerStatement = long.MaxValue,
        FlushInterval = TimeSpan.FromHours(1),
        ZstdLevel = ZstdLevel,
    });
}
