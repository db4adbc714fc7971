using Sluice.Core.Policy;
using Sluice.Core.Tests.Identity;

namespace Sluice.Core.Tests.Policy;

public sealed class RollingVolumeTests
{
    private readonly ManualTimeProvider _time = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));

    private RollingVolume Volume(long? rows = null, long? bytes = null) =>
        new("daily", rows, bytes, TimeSpan.FromHours(1), ApprovalMode.Ticket, _time);

    [Fact]
    public void Crosses_when_the_total_goes_above_the_row_threshold()
    {
        var volume = Volume(rows: 100);

        Assert.False(volume.Add("svc", 60, 0));
        Assert.False(volume.Add("svc", 40, 0));
        Assert.True(volume.Add("svc", 1, 0));
        Assert.True(volume.Add("svc", 0, 0));
        Assert.Equal((101L, 0L), volume.Current("svc"));
    }

    [Fact]
    public void Bytes_threshold_counts_on_its_own()
    {
        var volume = Volume(bytes: 1000);

        Assert.False(volume.Add("svc", 1_000_000, 1000));
        Assert.True(volume.Add("svc", 0, 1));
    }

    [Fact]
    public void Identities_are_counted_apart()
    {
        var volume = Volume(rows: 100);

        Assert.False(volume.Add("a", 100, 0));
        Assert.False(volume.Add("b", 100, 0));
        Assert.True(volume.Add("a", 1, 0));
        Assert.Equal((100L, 0L), volume.Current("b"));
        Assert.Equal((0L, 0L), volume.Current("nobody"));
    }

    [Fact]
    public void Old_volume_leaves_the_window()
    {
        var volume = Volume(rows: 100);
        Assert.False(volume.Add("svc", 80, 0));

        _time.Advance(TimeSpan.FromMinutes(30));
        Assert.True(volume.Add("svc", 30, 0));

        _time.Advance(TimeSpan.FromMinutes(30));
        Assert.Equal((30L, 0L), volume.Current("svc"));
        Assert.False(volume.Add("svc", 70, 0));

        _time.Advance(TimeSpan.FromHours(2));
        Assert.Equal((0L, 0L), volume.Current("svc"));
    }

    [Fact]
    public void Adds_within_a_slot_expire_with_the_latest_of_them()
    {
        var volume = Volume(rows: 100);
        Assert.False(volume.Add("svc", 50, 0));
        _time.Advance(TimeSpan.FromSeconds(10));
        Assert.False(volume.Add("svc", 50, 0));

        // One hour after the first add: both share a slot stamped at the second, so both still count.
        _time.Advance(TimeSpan.FromHours(1) - TimeSpan.FromSeconds(10));
        Assert.Equal((100L, 0L), volume.Current("svc"));

        _time.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal((0L, 0L), volume.Current("svc"));
    }

    [Fact]
    public void Concurrent_adds_are_all_counted()
    {
        var volume = Volume(rows: long.MaxValue);

        Parallel.For(0, 10_000, _ => volume.Add("svc", 1, 2));

        Assert.Equal((10_000L, 20_000L), volume.Current("svc"));
    }

    [Fact]
    public void Needs_a_threshold_and_a_window()
    {
        Assert.Throws<ArgumentException>(() => Volume());
        Assert.Throws<ArgumentOutOfRangeException>(
            () => new RollingVolume("r", 1, null, TimeSpan.Zero, ApprovalMode.Wait, _time));
    }
}
