using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;
using Sluice.Core.Configuration;
using Sluice.Masking;

namespace Sluice.Host;

/// <summary>Turns the configuration's masking section into the engine's policy.</summary>
internal static partial class MaskingSetup
{
    private const string KeyFileName = "pseudonym.key";

    public static MaskingPolicy Build(SluiceConfig config, ILogger logger)
    {
        if (config.Masking.Rules.Count == 0)
        {
            return MaskingPolicy.Empty;
        }

        return new MaskingPolicy(config.Masking.Rules, PseudonymKey(config, logger));
    }

    /// <summary>
    /// The configured pseudonym key, or one generated into the data directory on first start and kept there
    /// (owner-only), so pseudonyms stay stable across restarts and joins on them keep working.
    /// </summary>
    private static byte[] PseudonymKey(SluiceConfig config, ILogger logger)
    {
        if (config.Masking.PseudonymKey is { } secret)
        {
            return Encoding.UTF8.GetBytes(secret.Reveal());
        }

        var path = Path.Combine(config.DataDirectory, KeyFileName);
        if (File.Exists(path))
        {
            return File.ReadAllBytes(path);
        }

        Directory.CreateDirectory(config.DataDirectory);
        var key = RandomNumberGenerator.GetBytes(32);
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using (var file = new FileStream(path, options))
        {
            file.Write(key);
        }

        Log.GeneratedPseudonymKey(logger, path);
        return key;
    }

    private static partial class Log
    {
        [LoggerMessage(200, LogLevel.Warning,
            "masking.pseudonym_key is not set: generated one at {Path}; keep it (pseudonyms change with the key) " +
            "or configure your own")]
        public static partial void GeneratedPseudonymKey(ILogger logger, string path);
    }
}
