using YamlDotNet.RepresentationModel;

namespace Sluice.Core.Configuration;

internal sealed partial class ConfigBinder
{
    private static readonly string[] RootKeys =
    [
        "data_dir", "listeners", "connections", "identity", "access", "recording", "audit", "limits", "masking",
        "policy", "admin", "approvals",
    ];

    public SluiceConfig Bind(YamlNode root)
    {
        var map = Map(root, "the configuration", RootKeys);
        var dataDirectory = ResolvePath(map.OptionalString("data_dir") ?? "data");

        var connections = BindConnections(map.Require("connections"));
        var listeners = BindListeners(map.Require("listeners"), connections);
        var identity = map.Find("identity") is { } identityNode ? BindIdentity(identityNode) : new IdentityConfig();
        var access = map.Find("access") is { } accessNode ? BindAccess(accessNode, connections) : [];

        return new SluiceConfig
        {
            SourcePath = Path.GetFullPath(_file),
            DataDirectory = dataDirectory,
            Connections = connections,
            Listeners = listeners,
            Identity = identity,
            Access = access,
            Recording = map.Find("recording") is { } recording ? BindRecording(recording) : new RecordingConfig(),
            Audit = map.Find("audit") is { } audit ? BindAudit(audit, dataDirectory) : DefaultAudit(dataDirectory),
            Limits = map.Find("limits") is { } limits ? BindLimits(limits) : new LimitsConfig(),
            Masking = map.Find("masking") is { } masking ? BindMasking(masking) : new MaskingConfig(),
            Policy = map.Find("policy") is { } policy ? BindPolicy(policy) : new PolicyConfig(),
            Admin = map.Find("admin") is { } admin ? BindAdmin(admin) : new AdminConfig(),
            Approvals = map.Find("approvals") is { } approvals ? BindApprovals(approvals) : new ApprovalsConfig(),
        };
    }

    /// <summary>Reads "postgres", "mysql", "tds" or "ssh".</summary>
    private ProtocolKind ReadProtocol(YamlNode node)
    {
        var text = ScalarText(node, "protocol");
        return text switch
        {
            "postgres" => ProtocolKind.Postgres,
            "mysql" => ProtocolKind.MySql,
            "tds" => ProtocolKind.Tds,
            "ssh" => ProtocolKind.Ssh,
            _ => throw Error(node, $"unknown protocol '{text}'; use one of postgres, mysql, tds, ssh"),
        };
    }

    private static string ProtocolName(ProtocolKind kind) => kind switch
    {
        ProtocolKind.Postgres => "postgres",
        ProtocolKind.MySql => "mysql",
        ProtocolKind.Tds => "tds",
        _ => "ssh",
    };
}
