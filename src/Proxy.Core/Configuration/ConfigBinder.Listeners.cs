using YamlDotNet.RepresentationModel;

namespace Sluice.Core.Configuration;

internal sealed partial class ConfigBinder
{
    private static readonly string[] ListenerKeys =
        ["name", "protocol", "listen", "connections", "tls", "allow_plaintext_auth"];

    private static readonly string[] ListenerTlsKeys = ["certificate", "key"];

    private List<ListenerConfig> BindListeners(YamlNode node, List<ConnectionConfig> connections)
    {
        var sequence = Sequence(node, "listeners");
        var listeners = new List<ListenerConfig>(sequence.Children.Count);
        foreach (var item in sequence.Children)
        {
            var (listener, nameNode, listenNode) = BindListener(item, connections);
            foreach (var existing in listeners)
            {
                if (existing.Name == listener.Name)
                {
                    throw Error(nameNode, $"listener name '{listener.Name}' is used twice; names must be unique");
                }

                if (ConfigValues.Overlap(existing.Listen, listener.Listen))
                {
                    throw Error(
                        listenNode,
                        $"listener '{listener.Name}' listens on {listener.Listen}, which listener " +
                        $"'{existing.Name}' already uses ({existing.Listen}); pick another port");
                }
            }

            listeners.Add(listener);
        }

        if (listeners.Count == 0)
        {
            throw Error(node, "'listeners' is empty; define at least one listener");
        }

        return listeners;
    }

    private (ListenerConfig Listener, YamlNode NameNode, YamlNode ListenNode) BindListener(
        YamlNode node, List<ConnectionConfig> connections)
    {
        var map = Map(node, "a listener", ListenerKeys);
        var nameNode = map.Require("name");
        var name = ScalarText(nameNode, "name");
        var what = $"listener '{name}'";

        var protocolNode = map.Require("protocol");
        var protocol = ReadProtocol(protocolNode);
        if (protocol != ProtocolKind.Postgres)
        {
            throw Error(protocolNode, $"protocol '{ProtocolName(protocol)}' is not supported yet");
        }

        var listenNode = map.Require("listen");
        if (!ConfigValues.TryParseEndpoint(ScalarText(listenNode, "listen"), out var endpoint, out var endpointError))
        {
            throw Error(listenNode, endpointError);
        }

        var names = map.Names("connections", required: true, allowScalar: false);
        foreach (var connectionName in names)
        {
            var connection = connections.Find(c => c.Name == connectionName.Value)
                ?? throw Error(
                    connectionName,
                    $"{what} names connection '{connectionName.Value}', which is not defined under 'connections'");
            if (connection.Protocol != protocol)
            {
                throw Error(
                    connectionName,
                    $"connection '{connection.Name}' is {ProtocolName(connection.Protocol)} but {what} " +
                    $"is {ProtocolName(protocol)}; a listener serves connections of its own protocol only");
            }
        }

        var plaintext = map.Bool("allow_plaintext_auth", false);
        if (plaintext && !System.Net.IPAddress.IsLoopback(endpoint!.Address))
        {
            throw Error(
                map.Find("allow_plaintext_auth")!,
                $"allow_plaintext_auth is only allowed on a loopback address, and {what} listens on " +
                $"{endpoint}; remove it or listen on 127.0.0.1 or [::1]");
        }

        var listener = new ListenerConfig
        {
            Name = name,
            Protocol = protocol,
            Listen = endpoint!,
            Connections = YamlMap.Values(names),
            Tls = map.Find("tls") is { } tls ? BindListenerTls(tls, what) : new ListenerTlsConfig(),
            AllowPlaintextAuthentication = plaintext,
        };
        return (listener, nameNode, listenNode);
    }

    private ListenerTlsConfig BindListenerTls(YamlNode node, string owner)
    {
        var map = Map(node, $"the tls of {owner}", ListenerTlsKeys);
        var certificate = map.OptionalString("certificate");
        var key = map.OptionalString("key");
        if ((certificate is null) != (key is null))
        {
            throw Error(
                node,
                $"the tls of {owner} needs both 'certificate' and 'key', or neither for a generated certificate");
        }

        return new ListenerTlsConfig
        {
            CertificatePath = certificate is null ? null : ResolvePath(certificate),
            KeyPath = key is null ? null : ResolvePath(key),
        };
    }
}
