using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Sluice.Core.Configuration;

/// <summary>
/// Reads and validates the YAML configuration. Every failure is a <see cref="ConfigException"/>
/// naming the file, line and column of the node at fault.
/// </summary>
public static class ConfigLoader
{
    /// <param name="path">The YAML file.</param>
    /// <param name="resolveSecrets">
    /// False for tools that only need the data directory (sessions, replay, token): environment variables and
    /// secret files are then not read, and every such secret is empty.
    /// </param>
    public static SluiceConfig Load(string path, bool resolveSecrets = true)
    {
        string yaml;
        try
        {
            yaml = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ConfigException(path, 1, 1, $"cannot read the configuration file: {e.Message}", e);
        }

        return Parse(yaml, path, resolveSecrets ? Environment.GetEnvironmentVariable : null);
    }

    /// <summary>
    /// Parses configuration text. <paramref name="sourcePath"/> names the file in messages, and
    /// relative paths in the text resolve against its folder.
    /// </summary>
    public static SluiceConfig Parse(string yaml, string sourcePath) =>
        Parse(yaml, sourcePath, Environment.GetEnvironmentVariable);

    /// <param name="environment">Looks up environment variables; null leaves every env and file secret unread.</param>
    internal static SluiceConfig Parse(string yaml, string sourcePath, Func<string, string?>? environment)
    {
        var fullPath = Path.GetFullPath(sourcePath);
        var baseDirectory = Path.GetDirectoryName(fullPath) ?? Directory.GetCurrentDirectory();

        var stream = new YamlStream();
        var parser = new Parser(new StringReader(yaml));
        try
        {
            stream.Load(parser);
        }
        catch (YamlException e)
        {
            throw new ConfigException(
                sourcePath, (int)e.Start.Line, (int)e.Start.Column, $"YAML syntax error: {e.Message}", e);
        }
        catch (InvalidOperationException e)
        {
            // YamlDotNet's scanner fails this way, without a position, on some unclosed flow collections
            // ("connections: [demo" followed by more keys). The last event it produced is where the trouble began.
            Mark at = parser.Current?.Start ?? Mark.Empty;
            throw new ConfigException(sourcePath, (int)Math.Max(at.Line, 1), (int)Math.Max(at.Column, 1),
                "YAML syntax error: the parser could not continue after this point; look for a '[' or '{' "
                + "that is not closed, or a quote that does not end", e);
        }

        if (stream.Documents.Count == 0 || ConfigBinder.IsNull(stream.Documents[0].RootNode))
        {
            throw new ConfigException(
                sourcePath, 1, 1, "the configuration is empty; it needs at least 'listeners' and 'connections'");
        }

        var binder = new ConfigBinder(sourcePath, baseDirectory, environment);
        if (stream.Documents.Count > 1)
        {
            throw binder.Error(
                stream.Documents[1].RootNode, "the file holds more than one YAML document; keep only one");
        }

        return binder.Bind(stream.Documents[0].RootNode);
    }
}
