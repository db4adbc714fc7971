using System.Buffers;

namespace Sluice.Protocols.Tests.Postgres;

/// <summary>Builds multi-segment sequences so scanners see headers and bodies split at every point.</summary>
internal static class SegmentedSequence
{
    public static ReadOnlySequence<byte> Create(params byte[][] segments)
    {
        if (segments.Length == 0)
        {
            return ReadOnlySequence<byte>.Empty;
        }

        var first = new Segment(segments[0], 0);
        Segment last = first;
        for (int i = 1; i < segments.Length; i++)
        {
            last = last.Append(segments[i]);
        }

        return new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);
    }

    public static ReadOnlySequence<byte> Split(byte[] data, int at) =>
        Create(data[..at], data[at..]);

    public static ReadOnlySequence<byte> OneBytePerSegment(byte[] data) =>
        Create(data.Select(b => new[] { b }).ToArray());

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory, long runningIndex)
        {
            Memory = memory;
            RunningIndex = runningIndex;
        }

        public Segment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Segment(memory, RunningIndex + Memory.Length);
            Next = next;
            return next;
        }
    }
}
