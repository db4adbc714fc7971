using Microsoft.Extensions.Logging;

namespace Sluice.IntegrationTests.Admin;

/// <summary>Hands every category the same <see cref="ListLogger"/>, to collect a whole gateway's log lines.</summary>
internal sealed class ListLoggerProvider(ListLogger logger) : ILoggerProvider
{
    public ILogger CreateLogger(string categoryName) => logger;

    public void Dispose()
    {
    }
}
