using Sluice.Core.Recording;

namespace Sluice.Core.Tests.Recording;

public sealed class EventBufferTests
{
    [Fact]
    public void ClearAndTrim_GivesBackABurstsBuffer_WhenTheLastUseWasSmall()
    {
        using var buffer = new EventBuffer(4 * 1024);
        buffer.BeginEvent(EventType.Row, 8 + 4 + (1 << 20), 1);
        buffer.WriteBlob(new byte[1 << 20]);
        Assert.True(buffer.Capacity >= 1 << 20);

        // The burst was flushed: it filled the array, so the array stays for the next one.
        buffer.ClearAndTrim(64 * 1024);
        Assert.True(buffer.Capacity >= 1 << 20);

        // The next flush carried little: the array shrinks back to the steady size.
        buffer.BeginEvent(EventType.Row, 8 + 4 + 100, 2);
        buffer.WriteBlob(new byte[100]);
        buffer.ClearAndTrim(64 * 1024);
        Assert.Equal(0, buffer.Length);
        Assert.InRange(buffer.Capacity, 64 * 1024, 128 * 1024 - 1);
    }

    [Fact]
    public void ClearAndTrim_KeepsASmallBuffer()
    {
        using var buffer = new EventBuffer(4 * 1024);
        var before = buffer.Capacity;
        buffer.ClearAndTrim(64 * 1024);
        Assert.Equal(before, buffer.Capacity);
    }
}
