using YamlDotNet.RepresentationModel;

namespace Sluice.Core.Configuration;

internal sealed partial class ConfigBinder
{
    private static readonly string[] AccessKeys = ["connections", "identities", "groups"];

    private static readonly string[] RecordingKeys =
        ["row_bytes_per_statement", "bind_parameters", "flush_interval", "zstd_level", "on_failure"];

    private static readonly string[] AuditKeys = ["path"];

    private static readonly string[] LimitsKeys = ["max_message_bytes", "startup_timeout"];

    private List<AccessRule> BindAccess(YamlNode node, List<ConnectionConfig> connections)
    {
        var rules = new List<AccessRule>();
        foreach (var item in Sequence(node, "access").Children)
        {
            var map = Map(item, "an access rule", AccessKeys);
            var names = map.Names("connections", required: true, allowScalar: true);
            foreach (var name in names)
            {
                if (!connections.Exists(c => c.Name == name.Value))
                {
                    throw Error(name, $"access rule names connection '{name.Value}', which is not defined");
                }
            }

            var identities = map.Names("identities", required: false, allowScalar: true);
            var groups = map.Names("groups", required: false, allowScalar: true);
            if (identities.Count == 0 && groups.Count == 0)
            {
                throw Error(map.Node, "an access rule needs 'identities' or 'groups' (or both) to say who it admits");
            }

            rules.Add(new AccessRule
            {
                Connections = YamlMap.Values(names),
                Identities = YamlMap.Values(identities),
                Groups = YamlMap.Values(groups),
            });
        }

        return rules;
    }

    private RecordingConfig BindRecording(YamlNode node)
    {
        var map = Map(node, "'recording'", RecordingKeys);
        var defaults = new RecordingConfig();
        return new RecordingConfig
        {
            RowBytesPerStatement = map.Size("row_bytes_per_statement", defaults.RowBytesPerStatement, 0, 1L << 30),
            BindParameters = map.Bool("bind_parameters", defaults.BindParameters),
            FlushInterval = map.Duration("flush_interval", defaults.FlushInterval),
            ZstdLevel = map.Int("zstd_level", defaults.ZstdLevel, 1, 19),
            OnFailure = map.Find("on_failure") is { } onFailure ? ReadRecordingFailurePolicy(onFailure) : defaults.OnFailure,
        };
    }

    private RecordingFailurePolicy ReadRecordingFailurePolicy(YamlNode node)
    {
        var text = ScalarText(node, "on_failure");
        return text switch
        {
            "refuse" => RecordingFailurePolicy.Refuse,
            "continue" => RecordingFailurePolicy.Continue,
            _ => throw Error(
                node,
                $"'on_failure' must be refuse (end sessions that cannot be recorded) or continue (let them run " +
                $"unrecorded), not '{text}'"),
        };
    }

    private AuditConfig BindAudit(YamlNode node, string dataDirectory)
    {
        var map = Map(node, "'audit'", AuditKeys);
        var path = map.OptionalString("path") ?? new AuditConfig().Path;
        return new AuditConfig { Path = path == "-" ? path : ResolvePath(path, dataDirectory) };
    }

    private AuditConfig DefaultAudit(string dataDirectory) =>
        new() { Path = ResolvePath(new AuditConfig().Path, dataDirectory) };

    private LimitsConfig BindLimits(YamlNode node)
    {
        var map = Map(node, "'limits'", LimitsKeys);
        var defaults = new LimitsConfig();
        return new LimitsConfig
        {
            MaxMessageBytes = (int)map.Size("max_message_bytes", defaults.MaxMessageBytes, 1L << 10, 1L << 30),
            StartupTimeout = map.Duration("startup_timeout", defaults.StartupTimeout),
        };
    }
}
