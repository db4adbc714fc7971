using System.Net;
using Sluice.Core.Configuration;

namespace Sluice.Core.Tests.Configuration;

public sealed class ConfigValuesTests
{
    [Theory]
    [InlineData("500ms", 500)]
    [InlineData("10s", 10_000)]
    [InlineData("5m", 300_000)]
    [InlineData("1h", 3_600_000)]
    [InlineData("0s", 0)]
    public void Durations(string text, long milliseconds)
    {
        Assert.True(ConfigValues.TryParseDuration(text, out var duration));
        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), duration);
    }

    [Theory]
    [InlineData("10")]
    [InlineData("s")]
    [InlineData("1.5s")]
    [InlineData("-1s")]
    [InlineData("10 d")]
    [InlineData("99999999999999999999h")]
    public void Bad_durations(string text) => Assert.False(ConfigValues.TryParseDuration(text, out _));

    [Theory]
    [InlineData("1024", 1024)]
    [InlineData("64KiB", 65536)]
    [InlineData("16MiB", 16 * 1024 * 1024)]
    [InlineData("1GiB", 1L << 30)]
    public void Sizes(string text, long bytes)
    {
        Assert.True(ConfigValues.TryParseSize(text, out var parsed));
        Assert.Equal(bytes, parsed);
    }

    [Theory]
    [InlineData("1KB")]
    [InlineData("MiB")]
    [InlineData("-5")]
    [InlineData("99999999999GiB")]
    public void Bad_sizes(string text) => Assert.False(ConfigValues.TryParseSize(text, out _));

    [Theory]
    [InlineData("[::1]:6432", "::1", 6432)]
    [InlineData("[::]:1", "::", 1)]
    [InlineData("192.0.2.7:65535", "192.0.2.7", 65535)]
    public void Endpoints(string text, string address, int port)
    {
        Assert.True(ConfigValues.TryParseEndpoint(text, out var endpoint, out _));
        Assert.Equal(new IPEndPoint(IPAddress.Parse(address), port), endpoint);
    }

    [Theory]
    [InlineData("[127.0.0.1]:6432")]
    [InlineData("[::1]6432")]
    [InlineData("db:6432")]
    [InlineData("1.2.3.4:")]
    public void Bad_endpoints(string text) => Assert.False(ConfigValues.TryParseEndpoint(text, out _, out _));
}
