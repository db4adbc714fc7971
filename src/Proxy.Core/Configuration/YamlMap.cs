using YamlDotNet.RepresentationModel;

namespace Sluice.Core.Configuration;

/// <summary>
/// One YAML mapping of the configuration, checked against the keys it may hold. Lookups treat
/// an empty value or <c>~</c> as absent, so "key:" with nothing after it reads as unset.
/// </summary>
internal sealed class YamlMap
{
    private readonly ConfigBinder _binder;
    private readonly Dictionary<string, KeyValuePair<YamlScalarNode, YamlNode>> _entries;

    public YamlMap(ConfigBinder binder, YamlMappingNode node, string what, string[] allowedKeys)
    {
        _binder = binder;
        Node = node;
        What = what;
        _entries = new Dictionary<string, KeyValuePair<YamlScalarNode, YamlNode>>(StringComparer.Ordinal);

        foreach (var (keyNode, value) in node.Children)
        {
            if (keyNode is not YamlScalarNode { Value: { } key } scalarKey)
            {
                throw binder.Error(keyNode, $"keys in {what} must be plain names");
            }

            if (Array.IndexOf(allowedKeys, key) < 0)
            {
                throw binder.Error(
                    keyNode,
                    $"unknown key '{key}' in {what}; allowed keys: {string.Join(", ", allowedKeys)}");
            }

            _entries[key] = new KeyValuePair<YamlScalarNode, YamlNode>(scalarKey, value);
        }
    }

    public YamlMappingNode Node { get; }

    /// <summary>What this mapping is, for messages ("listener 'pg'").</summary>
    public string What { get; }

    /// <summary>The value node of a key, or null when the key is absent or has no value.</summary>
    public YamlNode? Find(string key)
    {
        if (!_entries.TryGetValue(key, out var entry) || ConfigBinder.IsNull(entry.Value))
        {
            return null;
        }

        return entry.Value;
    }

    /// <summary>The value node of a key even when it is empty or <c>~</c>; null only when the key is absent.</summary>
    public YamlNode? FindRaw(string key) => _entries.TryGetValue(key, out var entry) ? entry.Value : null;

    public YamlNode Require(string key)
    {
        if (!_entries.TryGetValue(key, out var entry))
        {
            throw _binder.Error(Node, $"{What} is missing required key '{key}'");
        }

        if (ConfigBinder.IsNull(entry.Value))
        {
            throw _binder.Error(entry.Key, $"'{key}' in {What} needs a value");
        }

        return entry.Value;
    }

    public string? OptionalString(string key) =>
        Find(key) is { } node ? _binder.ScalarText(node, key) : null;

    public string RequiredString(string key) => _binder.ScalarText(Require(key), key);

    public bool Bool(string key, bool fallback) =>
        Find(key) is { } node ? _binder.ReadBool(node, key) : fallback;

    public int Int(string key, int fallback, int min, int max) =>
        Find(key) is { } node ? _binder.ReadInt(node, key, min, max) : fallback;

    public TimeSpan Duration(string key, TimeSpan fallback) =>
        Find(key) is { } node ? _binder.ReadDuration(node, key) : fallback;

    public long Size(string key, long fallback, long min, long max) =>
        Find(key) is { } node ? _binder.ReadSize(node, key, min, max) : fallback;

    /// <summary>A list of names; with <paramref name="allowScalar"/>, one bare name counts as a list of one.</summary>
    public IReadOnlyList<YamlScalarNode> Names(string key, bool required, bool allowScalar)
    {
        var node = required ? Require(key) : Find(key);
        if (node is null)
        {
            return [];
        }

        if (allowScalar && node is YamlScalarNode single)
        {
            _binder.ScalarText(single, key);
            return [single];
        }

        var sequence = _binder.Sequence(node, key);
        var names = new List<YamlScalarNode>(sequence.Children.Count);
        foreach (var item in sequence.Children)
        {
            if (item is not YamlScalarNode scalar || ConfigBinder.IsNull(item))
            {
                throw _binder.Error(item, $"each entry of '{key}' must be a name");
            }

            names.Add(scalar);
        }

        if (required && names.Count == 0)
        {
            throw _binder.Error(node, $"'{key}' in {What} must name at least one entry");
        }

        return names;
    }

    public static IReadOnlyList<string> Values(IReadOnlyList<YamlScalarNode> nodes)
    {
        var values = new string[nodes.Count];
        for (var i = 0; i < nodes.Count; i++)
        {
            values[i] = nodes[i].Value ?? string.Empty;
        }

        return values;
    }
}
