using System.Globalization;
using YamlDotNet.RepresentationModel;

namespace Sluice.Core.Configuration;

internal sealed partial class ConfigBinder
{
    /// <summary>
    /// The issuer of tokens minted with the local development key; no configured issuer may take it.
    /// </summary>
    private const string DevIssuerName = "sluice-dev";

    private static readonly string[] IdentityKeys = ["dev_issuer", "clock_skew", "issuers", "api_keys"];

    private static readonly string[] IssuerKeys =
        ["issuer", "audiences", "jwks_url", "jwks_file", "groups_claim", "subject_claim", "jwks_refresh"];

    private static readonly string[] ApiKeyKeys = ["identity", "sha256", "groups"];

    private IdentityConfig BindIdentity(YamlNode node)
    {
        var map = Map(node, "'identity'", IdentityKeys);
        return new IdentityConfig
        {
            DevIssuer = map.Bool("dev_issuer", false),
            ClockSkew = map.Duration("clock_skew", TimeSpan.FromSeconds(30)),
            Issuers = map.Find("issuers") is { } issuers ? BindIssuers(issuers) : [],
            ApiKeys = map.Find("api_keys") is { } apiKeys ? BindApiKeys(apiKeys) : [],
        };
    }

    private List<OidcIssuerConfig> BindIssuers(YamlNode node)
    {
        var issuers = new List<OidcIssuerConfig>();
        foreach (var item in Sequence(node, "issuers").Children)
        {
            var map = Map(item, "an issuer", IssuerKeys);
            var issuerNode = map.Require("issuer");
            var issuer = ScalarText(issuerNode, "issuer");
            if (issuer == DevIssuerName)
            {
                throw Error(issuerNode, $"issuer '{DevIssuerName}' is reserved; set 'dev_issuer: true' instead");
            }

            if (issuers.Exists(i => i.Issuer == issuer))
            {
                throw Error(issuerNode, $"issuer '{issuer}' is configured twice; merge the entries");
            }

            var what = $"issuer '{issuer}'";
            var audiences = map.Names("audiences", required: true, allowScalar: true);
            var urlNode = map.Find("jwks_url");
            var fileNode = map.Find("jwks_file");
            if ((urlNode is null) == (fileNode is null))
            {
                throw Error(
                    urlNode ?? fileNode ?? map.Node,
                    $"{what} needs exactly one of 'jwks_url' and 'jwks_file'");
            }

            issuers.Add(new OidcIssuerConfig
            {
                Issuer = issuer,
                Audiences = YamlMap.Values(audiences),
                JwksUrl = urlNode is null ? null : ReadJwksUrl(urlNode),
                JwksFile = fileNode is null ? null : ResolvePath(ScalarText(fileNode, "jwks_file")),
                GroupsClaim = map.OptionalString("groups_claim") ?? "groups",
                SubjectClaim = map.OptionalString("subject_claim") ?? "sub",
                JwksRefresh = map.Duration("jwks_refresh", TimeSpan.FromMinutes(10)),
            });
        }

        return issuers;
    }

    /// <summary>Keys fetched over plain HTTP could be swapped in transit, so only loopback may skip TLS.</summary>
    private Uri ReadJwksUrl(YamlNode node)
    {
        var text = ScalarText(node, "jwks_url");
        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri)
            || (uri.Scheme != Uri.UriSchemeHttps && !(uri.Scheme == Uri.UriSchemeHttp && uri.IsLoopback)))
        {
            throw Error(node, $"'jwks_url' must be an absolute https:// URL (http:// only for loopback), not '{text}'");
        }

        return uri;
    }

    private List<ApiKeyConfig> BindApiKeys(YamlNode node)
    {
        var keys = new List<ApiKeyConfig>();
        foreach (var item in Sequence(node, "api_keys").Children)
        {
            var map = Map(item, "an API key", ApiKeyKeys);
            var identity = map.RequiredString("identity");
            var hashNode = map.Require("sha256");
            var hash = ReadSha256(hashNode, identity);
            if (keys.Exists(k => k.Sha256.AsSpan().SequenceEqual(hash)))
            {
                throw Error(hashNode, $"the sha256 of API key '{identity}' is already used by another key");
            }

            keys.Add(new ApiKeyConfig
            {
                Identity = identity,
                Sha256 = hash,
                Groups = YamlMap.Values(map.Names("groups", required: false, allowScalar: true)),
            });
        }

        return keys;
    }

    private byte[] ReadSha256(YamlNode node, string identity)
    {
        var text = ScalarText(node, "sha256");
        if (text.Length != 64 || !IsHex(text))
        {
            throw Error(
                node,
                $"'sha256' of API key '{identity}' must be 64 hexadecimal characters (the SHA-256 of the key), " +
                $"found {text.Length.ToString(CultureInfo.InvariantCulture)} " +
                "characters" + (IsHex(text) ? string.Empty : " that are not all hexadecimal"));
        }

        return Convert.FromHexString(text);
    }

    private static bool IsHex(string text)
    {
        foreach (var c in text)
        {
            if (!char.IsAsciiHexDigit(c))
            {
                return false;
            }
        }

        return true;
    }
}
