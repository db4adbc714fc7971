using System.Buffers;
using BenchmarkDotNet.Attributes;
using Sluice.Protocols.Postgres;

namespace Sluice.Benchmarks;

/// <summary>
/// Frames a captured PostgreSQL 15 result stream (10,000 DataRow messages of seven text columns, with the
/// session's authentication and RowDescription around them) with <see cref="PgFrameScanner"/> and validates
/// every DataRow with <see cref="PgMessages.DataRowCells"/>, as the relay does per frame. The steady state must
/// allocate nothing: the memory diagnoser's Allocated column should read 0 B (or "-").
/// </summary>
[MemoryDiagnoser]
public class PgDataRowScanBenchmarks
{
    private const int MaxMessageBytes = 1 << 20;

    private ReadOnlySequence<byte> _contiguous;
    private ReadOnlySequence<byte> _segmented;

    /// <summary>Loads the capture once and checks it holds the rows the benchmark claims.</summary>
    [GlobalSetup]
    public void Setup()
    {
        byte[] capture = File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "Captures", "rows.backend.bin"));
        _contiguous = new ReadOnlySequence<byte>(capture);
        _segmented = BenchSegment.Split(capture, 4096);
        if (Scan(_contiguous) < 10_000)
        {
            throw new InvalidOperationException("the capture does not hold 10,000 DataRow messages");
        }
    }

    /// <summary>Whole capture in one segment.</summary>
    [Benchmark(Baseline = true)]
    public int ScanContiguous() => Scan(_contiguous);

    /// <summary>The same bytes in 4 KiB segments, as a Pipe would hand them over, so headers straddle.</summary>
    [Benchmark]
    public int ScanSegmented4K() => Scan(_segmented);

    private static int Scan(ReadOnlySequence<byte> buffer)
    {
        Span<byte> copy = stackalloc byte[512];
        int rows = 0;
        while (PgFrameScanner.TryScanMessage(buffer, MaxMessageBytes, out byte type, out int length)
            == PgScanStatus.Complete)
        {
            if (type == (byte)PgBackendMessageType.DataRow)
            {
                ReadOnlySequence<byte> frame = buffer.Slice(0, length);
                scoped ReadOnlySpan<byte> span;
                if (frame.IsSingleSegment)
                {
                    span = frame.FirstSpan;
                }
                else
                {
                    // A frame split across segments is gathered into a stack buffer, as a relay would into a
                    // pooled one; rows in this capture are far below 512 bytes.
                    frame.CopyTo(copy);
                    span = copy[..length];
                }

                rows += PgMessages.DataRowCells(span).Length > 0 ? 1 : 0;
            }

            buffer = buffer.Slice(length);
        }

        return rows;
    }
}
