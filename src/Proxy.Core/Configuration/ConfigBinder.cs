using System.Globalization;
using YamlDotNet.RepresentationModel;

namespace Sluice.Core.Configuration;

/// <summary>
/// Binds a parsed YAML tree to <see cref="SluiceConfig"/> by hand. The reflection serializer is
/// avoided because it does not survive trimming; binding by hand also keeps every node's
/// position for error messages.
/// </summary>
internal sealed partial class ConfigBinder
{
    private readonly string _file;
    private readonly string _baseDirectory;
    private readonly Func<string, string?>? _environment;

    public ConfigBinder(string file, string baseDirectory, Func<string, string?>? environment)
    {
        _file = file;
        _baseDirectory = baseDirectory;
        _environment = environment;
    }

    public ConfigException Error(YamlNode node, string reason) =>
        new(_file, (int)node.Start.Line, (int)node.Start.Column, reason);

    /// <summary>An empty plain scalar, "~" or "null": YAML's ways of writing nothing.</summary>
    public static bool IsNull(YamlNode node) =>
        node is YamlScalarNode { Style: YamlDotNet.Core.ScalarStyle.Plain } scalar
        && scalar.Value is null or "" or "~" or "null" or "Null" or "NULL";

    public YamlMap Map(YamlNode node, string what, string[] allowedKeys)
    {
        if (node is not YamlMappingNode mapping)
        {
            throw Error(node, $"{what} must be a mapping of keys to values, found {Describe(node)}");
        }

        return new YamlMap(this, mapping, what, allowedKeys);
    }

    public YamlSequenceNode Sequence(YamlNode node, string key)
    {
        if (node is not YamlSequenceNode sequence)
        {
            throw Error(node, $"'{key}' must be a list, found {Describe(node)}");
        }

        return sequence;
    }

    public string ScalarText(YamlNode node, string key)
    {
        if (node is not YamlScalarNode { Value: { } value })
        {
            throw Error(node, $"'{key}' must be a single value, found {Describe(node)}");
        }

        if (value.Length == 0)
        {
            throw Error(node, $"'{key}' must not be empty");
        }

        return value;
    }

    public bool ReadBool(YamlNode node, string key)
    {
        var text = ScalarText(node, key);
        if (string.Equals(text, "true", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        if (string.Equals(text, "false", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        throw Error(node, $"'{key}' must be true or false, not '{text}'");
    }

    public int ReadInt(YamlNode node, string key, int min, int max)
    {
        var text = ScalarText(node, key);
        if (!long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value))
        {
            throw Error(node, $"'{key}' must be a whole number, not '{text}'");
        }

        if (value < min || value > max)
        {
            throw Error(node, $"'{key}' is {value}, out of range; use {min} to {max}");
        }

        return (int)value;
    }

    public TimeSpan ReadDuration(YamlNode node, string key)
    {
        var text = ScalarText(node, key);
        if (!ConfigValues.TryParseDuration(text, out var duration))
        {
            throw Error(node, $"'{key}' must be a duration such as 500ms, 10s, 5m or 1h, not '{text}'");
        }

        return duration;
    }

    public long ReadSize(YamlNode node, string key, long min, long max)
    {
        var text = ScalarText(node, key);
        if (!ConfigValues.TryParseSize(text, out var bytes))
        {
            throw Error(node, $"'{key}' must be a size in bytes or with KiB, MiB or GiB (such as 64KiB), not '{text}'");
        }

        if (bytes < min || bytes > max)
        {
            throw Error(node, $"'{key}' is {text}, out of range; use {FormatSize(min)} to {FormatSize(max)}");
        }

        return bytes;
    }

    /// <summary>Makes a path absolute against <paramref name="baseDirectory"/>, or else the file's folder.</summary>
    public string ResolvePath(string path, string? baseDirectory = null) =>
        Path.GetFullPath(path, baseDirectory ?? _baseDirectory);

    private static string Describe(YamlNode node) => node switch
    {
        YamlMappingNode => "a mapping",
        YamlSequenceNode => "a list",
        _ when IsNull(node) => "nothing",
        _ => "a single value",
    };

    private static string FormatSize(long bytes) => bytes switch
    {
        >= 1L << 30 when bytes % (1L << 30) == 0 => $"{bytes >> 30}GiB",
        >= 1L << 20 when bytes % (1L << 20) == 0 => $"{bytes >> 20}MiB",
        >= 1L << 10 when bytes % (1L << 10) == 0 => $"{bytes >> 10}KiB",
        _ => bytes.ToString(CultureInfo.InvariantCulture),
    };
}
