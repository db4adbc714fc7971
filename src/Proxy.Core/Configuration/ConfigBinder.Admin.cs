using YamlDotNet.RepresentationModel;

namespace Sluice.Core.Configuration;

internal sealed partial class ConfigBinder
{
    private static readonly string[] AdminKeys = ["listen"];

    private static readonly string[] ApprovalsKeys = ["approver_groups", "grant_ttl", "ticket_ttl", "webhook_url"];

    private AdminConfig BindAdmin(YamlNode node)
    {
        var map = Map(node, "'admin'", AdminKeys);
        var listenNode = map.Require("listen");
        if (!ConfigValues.TryParseEndpoint(ScalarText(listenNode, "listen"), out var endpoint, out var error))
        {
            throw Error(listenNode, error);
        }

        return new AdminConfig { Listen = endpoint };
    }

    private ApprovalsConfig BindApprovals(YamlNode node)
    {
        var map = Map(node, "'approvals'", ApprovalsKeys);
        var defaults = new ApprovalsConfig();
        return new ApprovalsConfig
        {
            ApproverGroups = YamlMap.Values(map.Names("approver_groups", required: false, allowScalar: true)),
            GrantTtl = PositiveDuration(map, "grant_ttl", defaults.GrantTtl),
            TicketTtl = PositiveDuration(map, "ticket_ttl", defaults.TicketTtl),
            WebhookUrl = map.Find("webhook_url") is { } url ? ReadWebhookUrl(url) : null,
        };
    }

    private TimeSpan PositiveDuration(YamlMap map, string key, TimeSpan fallback)
    {
        var value = map.Duration(key, fallback);
        if (value <= TimeSpan.Zero)
        {
            throw Error(map.Find(key)!, $"'{key}' must be longer than zero");
        }

        return value;
    }

    /// <summary>The webhook carries statements and identities, so only loopback may receive it without TLS.</summary>
    private Uri ReadWebhookUrl(YamlNode node)
    {
        var text = ScalarText(node, "webhook_url");
        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri)
            || (uri.Scheme != Uri.UriSchemeHttps && !(uri.Scheme == Uri.UriSchemeHttp && uri.IsLoopback)))
        {
            throw Error(
                node, $"'webhook_url' must be an absolute https:// URL (http:// only for loopback), not '{text}'");
        }

        return uri;
    }
}
