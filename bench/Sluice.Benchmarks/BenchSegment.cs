using System.Buffers;

namespace Sluice.Benchmarks;

/// <summary>Builds a multi-segment sequence of fixed-size chunks over one array.</summary>
internal sealed class BenchSegment : ReadOnlySequenceSegment<byte>
{
    private BenchSegment(ReadOnlyMemory<byte> memory, long runningIndex)
    {
        Memory = memory;
        RunningIndex = runningIndex;
    }

    public static ReadOnlySequence<byte> Split(byte[] data, int chunk)
    {
        var first = new BenchSegment(data.AsMemory(0, Math.Min(chunk, data.Length)), 0);
        BenchSegment last = first;
        for (int offset = chunk; offset < data.Length; offset += chunk)
        {
            var next = new BenchSegment(data.AsMemory(offset, Math.Min(chunk, data.Length - offset)), offset);
            last.Next = next;
            last = next;
        }

        return new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);
    }
}
