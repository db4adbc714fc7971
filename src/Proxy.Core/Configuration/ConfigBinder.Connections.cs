using YamlDotNet.RepresentationModel;

namespace Sluice.Core.Configuration;

internal sealed partial class ConfigBinder
{
    private static readonly string[] ConnectionKeys = ["name", "protocol", "allow_replication", "upstream"];

    private static readonly string[] UpstreamKeys =
        ["host", "port", "database", "user", "password", "tls", "ca_file", "connect_timeout"];

    private static readonly string[] SecretKeys = ["env", "file", "value"];

    private List<ConnectionConfig> BindConnections(YamlNode node)
    {
        var sequence = Sequence(node, "connections");
        var connections = new List<ConnectionConfig>(sequence.Children.Count);
        foreach (var item in sequence.Children)
        {
            var map = Map(item, "a connection", ConnectionKeys);
            var nameNode = map.Require("name");
            var name = ScalarText(nameNode, "name");
            foreach (var existing in connections)
            {
                if (existing.Name == name)
                {
                    throw Error(nameNode, $"connection name '{name}' is used twice; names must be unique");
                }
            }

            var what = $"connection '{name}'";
            var protocol = ReadProtocol(map.Require("protocol"));
            connections.Add(new ConnectionConfig
            {
                Name = name,
                Protocol = protocol,
                AllowReplication = map.Bool("allow_replication", false),
                Upstream = BindUpstream(map.Require("upstream"), what, protocol),
            });
        }

        if (connections.Count == 0)
        {
            throw Error(node, "'connections' is empty; define at least one upstream connection");
        }

        return connections;
    }

    private UpstreamConfig BindUpstream(YamlNode node, string owner, ProtocolKind protocol)
    {
        var map = Map(node, $"the upstream of {owner}", UpstreamKeys);
        var caFile = map.OptionalString("ca_file");
        return new UpstreamConfig
        {
            Host = map.RequiredString("host"),
            Port = map.Int("port", DefaultPort(protocol), 1, 65535),
            Database = map.OptionalString("database"),
            User = map.RequiredString("user"),
            Password = map.Find("password") is { } password ? BindSecret(password, "password") : null,
            Tls = map.Find("tls") is { } tls ? ReadUpstreamTls(tls) : UpstreamTlsMode.Disable,
            CaFile = caFile is null ? null : ResolvePath(caFile),
            ConnectTimeout = map.Duration("connect_timeout", TimeSpan.FromSeconds(10)),
        };
    }

    private UpstreamTlsMode ReadUpstreamTls(YamlNode node)
    {
        var text = ScalarText(node, "tls");
        return text switch
        {
            "disable" => UpstreamTlsMode.Disable,
            "require" => UpstreamTlsMode.Require,
            "verify-full" => UpstreamTlsMode.VerifyFull,
            _ => throw Error(node, $"'tls' must be disable, require or verify-full, not '{text}'"),
        };
    }

    /// <summary>
    /// Reads <c>{ env: NAME }</c>, <c>{ file: path }</c>, <c>{ value: text }</c> or a bare value.
    /// Messages name the variable or file, never the value.
    /// </summary>
    private Secret BindSecret(YamlNode node, string key)
    {
        if (node is YamlScalarNode)
        {
            return new Secret(ScalarText(node, key), "inline");
        }

        var map = Map(node, $"'{key}'", SecretKeys);
        if (map.Node.Children.Count != 1)
        {
            throw Error(node, $"'{key}' takes exactly one of env, file or value");
        }

        if (map.Find("env") is { } envNode)
        {
            var variable = ScalarText(envNode, "env");
            if (_environment is null)
            {
                return new Secret("", $"env:{variable} (not read)");
            }

            var value = _environment(variable);
            if (string.IsNullOrEmpty(value))
            {
                throw Error(envNode, $"environment variable '{variable}' for '{key}' is not set");
            }

            return new Secret(value, $"env:{variable}");
        }

        if (map.Find("file") is { } fileNode)
        {
            var path = ResolvePath(ScalarText(fileNode, "file"));
            if (_environment is null)
            {
                return new Secret("", $"file:{path} (not read)");
            }

            string content;
            try
            {
                content = File.ReadAllText(path);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // The exception text from the file system names the path only, never the content.
                throw Error(fileNode, $"cannot read secret file '{path}' for '{key}': {e.Message}");
            }

            // Editors and `echo` add a final newline that is not part of the secret.
            return new Secret(content.TrimEnd('\r', '\n'), $"file:{path}");
        }

        var inline = map.Find("value") ?? throw Error(node, $"'{key}' has no value");
        return new Secret(ScalarText(inline, "value"), "inline");
    }

    private static int DefaultPort(ProtocolKind protocol) => protocol switch
    {
        ProtocolKind.Postgres => 5432,
        ProtocolKind.MySql => 3306,
        ProtocolKind.Tds => 1433,
        _ => 22,
    };
}
