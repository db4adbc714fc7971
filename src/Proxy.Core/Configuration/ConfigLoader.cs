using YamlDotNet.Core;
using YamlDotNet.Core.Events;
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
        var parser = new GuardedParser(new Parser(new StringReader(yaml)), sourcePath);
        try
        {
            stream.Load(parser);
        }
        catch (YamlException e)
        {
            throw new ConfigException(
                sourcePath, (int)e.Start.Line, (int)e.Start.Column, $"YAML syntax error: {e.Message}", e);
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException)
        {
            // YamlDotNet fails this way, without a position, on some malformed text: a '[' or '{' left open before
            // more keys, or a mapping entry with no key (": value"). The last node it read is where to look.
            Mark at = parser.LastNodeStart;
            throw new ConfigException(sourcePath, (int)Math.Max(at.Line, 1), (int)Math.Max(at.Column, 1),
                "YAML syntax error: the parser could not go on from here; look for a '[' or '{' that is not "
                + "closed, or a ':' with no key before it", e);
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

    /// <summary>
    /// Remembers where the last node began, to place errors YamlDotNet reports without a position, and refuses
    /// what YamlDotNet cannot load safely: an alias to a node that is still open (a node containing itself) or to
    /// an anchor not defined before it, on which YamlDotNet recurses until the process dies of a stack overflow,
    /// and nesting deeper than any configuration needs (for the same reason).
    /// </summary>
    private sealed class GuardedParser(IParser inner, string sourcePath) : IParser
    {
        private const int MaxNesting = 64;

        private readonly List<AnchorName> _open = [];
        private readonly HashSet<AnchorName> _defined = [];

        public Mark LastNodeStart { get; private set; } = Mark.Empty;

        public ParsingEvent Current => inner.Current!;

        public bool MoveNext()
        {
            if (!inner.MoveNext())
            {
                return false;
            }

            switch (inner.Current)
            {
                case AnchorAlias alias when _open.Contains(alias.Value):
                    throw Refuse(alias, $"the alias '*{alias.Value}' refers to '&{alias.Value}' from inside it; "
                        + "a node cannot contain itself");
                case AnchorAlias alias when !_defined.Contains(alias.Value):
                    throw Refuse(alias, $"the alias '*{alias.Value}' refers to an anchor no node before it defines");
                case MappingStart or SequenceStart when _open.Count == MaxNesting:
                    throw Refuse(inner.Current, $"the YAML is nested more than {MaxNesting} levels deep");
                case MappingStart start:
                    _open.Add(start.Anchor);
                    break;
                case SequenceStart start:
                    _open.Add(start.Anchor);
                    break;
                case MappingEnd or SequenceEnd when _open.Count > 0:
                    _open.RemoveAt(_open.Count - 1);
                    break;
            }

            if (inner.Current is NodeEvent node)
            {
                LastNodeStart = node.Start;
                if (!node.Anchor.IsEmpty)
                {
                    _defined.Add(node.Anchor);
                }
            }

            return true;
        }

        private ConfigException Refuse(ParsingEvent at, string reason) =>
            new(sourcePath, (int)Math.Max(at.Start.Line, 1), (int)Math.Max(at.Start.Column, 1), reason);
    }
}
