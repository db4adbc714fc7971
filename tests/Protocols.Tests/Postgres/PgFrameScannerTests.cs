using System.Buffers;
using System.Buffers.Binary;
using Sluice.Protocols.Postgres;

namespace Sluice.Protocols.Tests.Postgres;

public sealed class PgFrameScannerTests
{
    private const int Limit = 1 << 20;

    private static readonly Dictionary<string, byte[]> s_typed = PgTestFrames.Frontend()
        .Select(f => ("frontend " + f.Name, f.Frame))
        .Concat(PgTestFrames.Backend().Select(f => ("backend " + f.Name, f.Frame)))
        .ToDictionary(f => f.Item1, f => f.Item2);

    private static readonly Dictionary<string, byte[]> s_startup =
        PgTestFrames.Startup().ToDictionary(f => f.Name, f => f.Frame);

    public static TheoryData<string> TypedNames => new(s_typed.Keys);

    public static TheoryData<string> StartupNames => new(s_startup.Keys);

    [Theory]
    [MemberData(nameof(TypedNames))]
    public void Typed_EveryStrictPrefix_NeedsMoreDataAndReportsNoLength(string name)
    {
        byte[] frame = s_typed[name];
        for (int length = 0; length < frame.Length; length++)
        {
            var buffer = new ReadOnlySequence<byte>(frame, 0, length);
            PgScanStatus status = PgFrameScanner.TryScanMessage(buffer, Limit, out _, out int frameLength);
            Assert.Equal(PgScanStatus.NeedMoreData, status);
            Assert.Equal(0, frameLength);
        }
    }

    [Theory]
    [MemberData(nameof(TypedNames))]
    public void Typed_EveryTwoSegmentSplit_IsComplete(string name)
    {
        byte[] frame = s_typed[name];
        for (int at = 0; at <= frame.Length; at++)
        {
            AssertTypedComplete(SegmentedSequence.Split(frame, at), frame);
        }
    }

    [Theory]
    [MemberData(nameof(TypedNames))]
    public void Typed_EveryTwoSegmentSplitOfEveryPrefix_NeedsMoreData(string name)
    {
        byte[] frame = s_typed[name];
        for (int length = 1; length < frame.Length; length++)
        {
            for (int at = 0; at <= length; at++)
            {
                ReadOnlySequence<byte> buffer = SegmentedSequence.Split(frame[..length], at);
                Assert.Equal(PgScanStatus.NeedMoreData, PgFrameScanner.TryScanMessage(buffer, Limit, out _, out int n));
                Assert.Equal(0, n);
            }
        }
    }

    [Theory]
    [MemberData(nameof(TypedNames))]
    public void Typed_OneBytePerSegment_IsComplete(string name)
    {
        byte[] frame = s_typed[name];
        AssertTypedComplete(SegmentedSequence.OneBytePerSegment(frame), frame);
    }

    [Theory]
    [MemberData(nameof(TypedNames))]
    public void Typed_JunkAfterFrame_DoesNotChangeResult(string name)
    {
        byte[] frame = s_typed[name];
        byte[] padded = [.. frame, 0xFF, (byte)'Q', 0, 0, 0, 0, 0x7F];
        AssertTypedComplete(new ReadOnlySequence<byte>(padded), frame);
        AssertTypedComplete(SegmentedSequence.Split(padded, 3), frame);
        AssertTypedComplete(SegmentedSequence.OneBytePerSegment(padded), frame);
    }

    [Theory]
    [MemberData(nameof(TypedNames))]
    public void Typed_DeclaredLengthAboveLimit_IsTooLargeWithOnlyHeader(string name)
    {
        byte[] frame = s_typed[name];
        int declared = frame.Length - 1;
        byte[] header = frame[..5];
        PgScanStatus status = PgFrameScanner.TryScanMessage(new ReadOnlySequence<byte>(header), declared - 1,
            out byte type, out int frameLength);
        Assert.Equal(PgScanStatus.TooLarge, status);
        Assert.Equal(frame[0], type);
        Assert.Equal(0, frameLength);
        Assert.Equal(PgScanStatus.TooLarge,
            PgFrameScanner.TryScanMessage(SegmentedSequence.OneBytePerSegment(header), declared - 1, out _, out _));

        // Exactly at the limit is allowed.
        Assert.Equal(PgScanStatus.Complete,
            PgFrameScanner.TryScanMessage(new ReadOnlySequence<byte>(frame), declared, out _, out _));
    }

    [Theory]
    [InlineData(3)]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(int.MinValue)]
    public void Typed_LengthBelowFour_IsMalformed(int declared)
    {
        byte[] header = new byte[5];
        header[0] = (byte)'Q';
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(1), declared);
        Assert.Equal(PgScanStatus.Malformed,
            PgFrameScanner.TryScanMessage(new ReadOnlySequence<byte>(header), Limit, out _, out int n));
        Assert.Equal(0, n);
        Assert.Equal(PgScanStatus.Malformed,
            PgFrameScanner.TryScanMessage(SegmentedSequence.Split(header, 2), Limit, out _, out _));
    }

    [Fact]
    public void Typed_MaximalLengthWithNoLimit_IsTooLargeNotOverflow()
    {
        byte[] header = [(byte)'D', 0x7F, 0xFF, 0xFF, 0xFF];
        Assert.Equal(PgScanStatus.TooLarge,
            PgFrameScanner.TryScanMessage(new ReadOnlySequence<byte>(header), int.MaxValue, out _, out _));
    }

    [Fact]
    public void Typed_EmptyFirstSegment_StillFindsHeader()
    {
        byte[] frame = PgTestFrames.Write(w => PgWriter.Query(w, "select 1"));
        ReadOnlySequence<byte> buffer = SegmentedSequence.Create([], frame[..2], [], frame[2..]);
        AssertTypedComplete(buffer, frame);
    }

    [Theory]
    [MemberData(nameof(StartupNames))]
    public void Startup_EveryStrictPrefix_NeedsMoreData(string name)
    {
        byte[] frame = s_startup[name];
        for (int length = 0; length < frame.Length; length++)
        {
            for (int at = 0; at <= length; at++)
            {
                ReadOnlySequence<byte> buffer = SegmentedSequence.Split(frame[..length], at);
                Assert.Equal(PgScanStatus.NeedMoreData, PgFrameScanner.TryScanStartup(buffer, Limit, out int n));
                Assert.Equal(0, n);
            }
        }
    }

    [Theory]
    [MemberData(nameof(StartupNames))]
    public void Startup_EverySplitOneByteSegmentsAndJunk_AreComplete(string name)
    {
        byte[] frame = s_startup[name];
        for (int at = 0; at <= frame.Length; at++)
        {
            AssertStartupComplete(SegmentedSequence.Split(frame, at), frame);
        }

        AssertStartupComplete(SegmentedSequence.OneBytePerSegment(frame), frame);
        byte[] padded = [.. frame, 0, 0, 0, 8, 0x04, 0xD2, 0x16, 0x2F, 0xEE];
        AssertStartupComplete(new ReadOnlySequence<byte>(padded), frame);
        AssertStartupComplete(SegmentedSequence.OneBytePerSegment(padded), frame);
    }

    [Theory]
    [MemberData(nameof(StartupNames))]
    public void Startup_DeclaredLengthAboveLimit_IsTooLargeWithOnlyLength(string name)
    {
        byte[] frame = s_startup[name];
        Assert.Equal(PgScanStatus.TooLarge,
            PgFrameScanner.TryScanStartup(new ReadOnlySequence<byte>(frame[..4]), frame.Length - 1, out int n));
        Assert.Equal(0, n);
        Assert.Equal(PgScanStatus.TooLarge,
            PgFrameScanner.TryScanStartup(SegmentedSequence.OneBytePerSegment(frame[..5]), frame.Length - 1, out _));
    }

    [Theory]
    [InlineData(7)]
    [InlineData(4)]
    [InlineData(0)]
    [InlineData(-8)]
    public void Startup_LengthBelowEight_IsMalformed(int declared)
    {
        byte[] header = new byte[4];
        BinaryPrimitives.WriteInt32BigEndian(header, declared);
        Assert.Equal(PgScanStatus.Malformed,
            PgFrameScanner.TryScanStartup(new ReadOnlySequence<byte>(header), Limit, out _));
        Assert.Equal(PgScanStatus.Malformed,
            PgFrameScanner.TryScanStartup(SegmentedSequence.OneBytePerSegment(header), Limit, out _));
    }

    private static void AssertTypedComplete(ReadOnlySequence<byte> buffer, byte[] frame)
    {
        PgScanStatus status = PgFrameScanner.TryScanMessage(buffer, Limit, out byte type, out int frameLength);
        Assert.Equal(PgScanStatus.Complete, status);
        Assert.Equal(frame[0], type);
        Assert.Equal(frame.Length, frameLength);
        Assert.Equal(frame, buffer.Slice(0, frameLength).ToArray());
    }

    private static void AssertStartupComplete(ReadOnlySequence<byte> buffer, byte[] frame)
    {
        PgScanStatus status = PgFrameScanner.TryScanStartup(buffer, Limit, out int frameLength);
        Assert.Equal(PgScanStatus.Complete, status);
        Assert.Equal(frame.Length, frameLength);
        Assert.Equal(frame, buffer.Slice(0, frameLength).ToArray());
    }
}
