using System.CommandLine;
using Sluice.Core.Configuration;

namespace Sluice.Host.Commands;

/// <summary>Options several commands share, and loading the configuration with a readable failure.</summary>
internal static class CommonOptions
{
    public static Option<FileInfo> Config() => new("--config", "-c")
    {
        Description = "The gateway's YAML configuration file",
        Required = true,
    };

    /// <summary>
    /// Loads the configuration or prints "file:line:column: reason" and returns null. Tools that only need the
    /// data directory pass <paramref name="resolveSecrets"/> false, so they run where the gateway's secrets
    /// are not available.
    /// </summary>
    public static SluiceConfig? LoadConfig(FileInfo file, bool resolveSecrets = true)
    {
        try
        {
            return ConfigLoader.Load(file.FullName, resolveSecrets);
        }
        catch (ConfigException e)
        {
            Console.Error.WriteLine($"sluice: invalid configuration: {e.Message}");
            return null;
        }
    }
}
