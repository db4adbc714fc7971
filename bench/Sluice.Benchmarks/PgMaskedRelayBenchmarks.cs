using System.Buffers;
using System.Buffers.Binary;
using BenchmarkDotNet.Attributes;
using Sluice.Core.Recording;
using Sluice.Masking;
using Sluice.Protocols.Postgres;

namespace Sluice.Benchmarks;

/// <summary>
/// The relay with masking: the captured 10,000-row result (seven text columns, 1.1 MB) presented as rows of a
/// protected table, with the quick start's kind of rules on three columns (keep the email's domain, pseudonymise
/// the name, keep the last four characters of the city as a stand-in for a card number) and detectors on the free
/// text, rewritten in the stream, recorded and forwarded. Allocated bytes are per result: the column plan and
/// names; the rows must add nothing. <see cref="WithDetectors"/> separates the cost of the column rules from
/// that of scanning the four unclaimed columns.
/// </summary>
[MemoryDiagnoser]
public class PgMaskedRelayBenchmarks : IDisposable
{
    private const int MaxMessageBytes = 1 << 20;
    private const uint TableOid = 16_384;

    private readonly DiscardingWriter _sink = new();
    private string _directory = "";
    private SessionRecorder _recorder = null!;
    private PgCatalog _catalog = null!;
    private PgResultMasking _masking = null!;
    private PgSessionInspector _inspector = null!;
    private PgFrameScratch _scratch = null!;
    private ReadOnlySequence<byte> _result;

    /// <summary>Whether the two detector rules (card numbers, e-mail addresses) join the three column rules.</summary>
    [Params(false, true)]
    public bool WithDetectors { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var capture = File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "Captures", "rows.backend.bin"));
        var result = CaptureSlices.OneResult(capture);
        AttributeColumnsToTable(result);
        _result = new ReadOnlySequence<byte>(result);

        _directory = Directory.CreateTempSubdirectory("sluice-bench-").FullName;
        _recorder = new RecordingStore(_directory).Create(
            new SessionHeader(
                RecordingStore.NewSessionId(), DateTimeOffset.UtcNow, "bench", ["bench"], "DevToken", "sluice-dev",
                "demo", "postgres", "127.0.0.1:1", "bench", null, "127.0.0.1:5432", true),
            new RecordingOptions());

        List<MaskRule> rules =
        [
            new MaskRule { Name = "email", Table = "customers", Column = "email", Strategy = new(MaskStrategyKind.KeepEmailDomain) },
            new MaskRule { Name = "name", Table = "customers", Column = "name", Strategy = new(MaskStrategyKind.Pseudonym) },
            new MaskRule { Name = "city", Table = "customers", Column = "city", Strategy = new(MaskStrategyKind.KeepLast, 4) },
        ];
        if (WithDetectors)
        {
            rules.Add(new MaskRule { Name = "cards", Detector = DetectorKind.CardNumber, Strategy = new(MaskStrategyKind.KeepLast, 4) });
            rules.Add(new MaskRule { Name = "emails", Detector = DetectorKind.Email, Strategy = new(MaskStrategyKind.KeepEmailDomain) });
        }

        var policy = new MaskingPolicy(rules, "benchmark-pseudonym-key-0123456789abcdef"u8);
        _catalog = new PgCatalog(null!, MaxMessageBytes, new FrozenTime());
        string[] columns = ["id", "name", "email", "city", "created", "balance", "note"];
        _catalog.Seed(
            new PgRelation(
                TableOid, "public", "customers", 'r',
                columns.Select((c, i) => (c, i)).ToDictionary(p => (short)(p.i + 1), p => p.c),
                columns.Select((c, i) => i).ToDictionary(i => (short)(i + 1), _ => 25u),
                []),
            ["select", "from", "customers"]);
        _masking = new PgResultMasking(policy.ForPrincipal("bench", ["bench"]), _catalog);
        _inspector = new PgSessionInspector(_recorder, recordBindParameters: false, _masking);
        _scratch = new PgFrameScratch(MaxMessageBytes);

        // The request whose result the benchmark relays, as the frontend side would have seen it.
        var query = new ArrayBufferWriter<byte>();
        PgWriter.Query(query, "SELECT * FROM customers");
        if (_inspector.Frontend(query.WrittenSpan, out _).Pending is not null || RelayResult() != 10_000)
        {
            throw new InvalidOperationException("the masked relay did not pass 10,000 rows");
        }
    }

    [Benchmark]
    public long RelayResult()
    {
        var before = _inspector.RowsToClient;
        var outcome = PgFrameForwarder.Forward(_result, _sink, _inspector, fromClient: false, _scratch, MaxMessageBytes, out var consumed);
        if (outcome.Ends || outcome.Pending is not null || !_result.Slice(consumed).IsEmpty)
        {
            throw new InvalidOperationException($"the relay stopped early: {outcome.Reason}");
        }

        return _inspector.RowsToClient - before;
    }

    [GlobalCleanup]
    public void Dispose()
    {
        _recorder.CompleteAsync("benchmark done").AsTask().GetAwaiter().GetResult();
        _masking.Dispose();
        _scratch.Dispose();
        Directory.Delete(_directory, recursive: true);
        GC.SuppressFinalize(this);
    }

    /// <summary>The capture's columns come from a query; say they come from table 16384, columns 1 to 7.</summary>
    private static void AttributeColumnsToTable(byte[] result)
    {
        var offset = 1 + 4 + 2;
        var count = BinaryPrimitives.ReadInt16BigEndian(result.AsSpan(5));
        for (short column = 1; column <= count; column++)
        {
            offset = Array.IndexOf(result, (byte)0, offset) + 1;
            BinaryPrimitives.WriteUInt32BigEndian(result.AsSpan(offset), TableOid);
            BinaryPrimitives.WriteInt16BigEndian(result.AsSpan(offset + 4), column);
            offset += 18;
        }
    }

    private sealed class FrozenTime : TimeProvider
    {
        private readonly DateTimeOffset _now = DateTimeOffset.UtcNow;

        public override DateTimeOffset GetUtcNow() => _now;
    }

    private sealed class DiscardingWriter : IBufferWriter<byte>
    {
        private readonly byte[] _buffer = new byte[256 * 1024];

        public void Advance(int count)
        {
        }

        public Memory<byte> GetMemory(int sizeHint = 0) => _buffer;

        public Span<byte> GetSpan(int sizeHint = 0) => _buffer;
    }
}
