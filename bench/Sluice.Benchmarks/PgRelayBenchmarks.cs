using System.Buffers;
using BenchmarkDotNet.Attributes;
using Sluice.Core.Recording;
using Sluice.Protocols.Postgres;

namespace Sluice.Benchmarks;

/// <summary>
/// The relay's per-frame work for one result of 10,000 captured rows (RowDescription, DataRows,
/// CommandComplete from a real PostgreSQL 15): scan, inspect, record into a real recorder with the default
/// budget, and forward. Compare with <see cref="PgDataRowScanBenchmarks"/> to see what inspection and
/// recording add to bare framing. Allocated bytes per operation are per result, not per row: decoding the
/// RowDescription makes the column names; the rows themselves must add nothing.
/// </summary>
[MemoryDiagnoser]
public class PgRelayBenchmarks : IDisposable
{
    private const int MaxMessageBytes = 1 << 20;

    private readonly DiscardingBufferWriter _sink = new();
    private string _directory = "";
    private SessionRecorder _recorder = null!;
    private PgSessionInspector _inspector = null!;
    private PgFrameScratch _scratch = null!;
    private ReadOnlySequence<byte> _result;
    private ReadOnlySequence<byte> _resultSegmented;

    [Params(0L, 1024L * 1024)]
    public long RowBytesRecorded { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var capture = File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "Captures", "rows.backend.bin"));
        var result = CaptureSlices.OneResult(capture);
        _result = new ReadOnlySequence<byte>(result);
        _resultSegmented = BenchSegment.Split(result, 64 * 1024);

        _directory = Directory.CreateTempSubdirectory("sluice-bench-").FullName;
        var store = new RecordingStore(_directory);
        _recorder = store.Create(
            new SessionHeader(
                RecordingStore.NewSessionId(), DateTimeOffset.UtcNow, "bench", ["bench"], "DevToken", "sluice-dev",
                "demo", "postgres", "127.0.0.1:1", "bench", null, "127.0.0.1:5432", true),
            new RecordingOptions { RowBytesPerStatement = RowBytesRecorded });
        _inspector = new PgSessionInspector(_recorder, recordBindParameters: false);
        _scratch = new PgFrameScratch(MaxMessageBytes);
        if (Relay(_result) != 10_000)
        {
            throw new InvalidOperationException("the capture's result does not hold 10,000 rows");
        }
    }

    [GlobalCleanup]
    public void Dispose()
    {
        _recorder.CompleteAsync("benchmark done").AsTask().GetAwaiter().GetResult();
        _scratch.Dispose();
        Directory.Delete(_directory, recursive: true);
        GC.SuppressFinalize(this);
    }

    /// <summary>The whole result in one segment.</summary>
    [Benchmark(Baseline = true)]
    public long RelayResult() => Relay(_result);

    /// <summary>The same bytes in 64 KiB segments, as the relay's pipe reads them.</summary>
    [Benchmark]
    public long RelayResultSegmented() => Relay(_resultSegmented);

    private long Relay(ReadOnlySequence<byte> buffer)
    {
        var before = _inspector.RowsToClient;
        var outcome = PgFrameForwarder.Forward(buffer, _sink, _inspector, fromClient: false, _scratch, MaxMessageBytes, out var consumed);
        if (outcome.Ends || !buffer.Slice(consumed).IsEmpty)
        {
            throw new InvalidOperationException("the relay stopped before the end of the result");
        }

        return _inspector.RowsToClient - before;
    }

    /// <summary>A writer that keeps nothing: the benchmark measures the relay, not a socket.</summary>
    private sealed class DiscardingBufferWriter : IBufferWriter<byte>
    {
        private readonly byte[] _buffer = new byte[256 * 1024];

        public void Advance(int count)
        {
        }

        public Memory<byte> GetMemory(int sizeHint = 0) => _buffer;

        public Span<byte> GetSpan(int sizeHint = 0) => _buffer;
    }
}
