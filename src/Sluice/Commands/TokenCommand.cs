using System.CommandLine;
using Sluice.Core.Identity;

namespace Sluice.Host.Commands;

/// <summary>
/// <c>sluice token</c>: mints a short-lived development token signed by the data directory's dev key, so a
/// quick start or a test needs no identity provider. The gateway trusts it only with identity.dev_issuer.
/// </summary>
internal static class TokenCommand
{
    public static Command Create()
    {
        var config = CommonOptions.Config();
        var subject = new Option<string>("--subject", "-s") { Description = "Identity the token names", Required = true };
        var groups = new Option<string[]>("--group", "-g")
        {
            Description = "Group the identity belongs to (repeatable)",
            AllowMultipleArgumentsPerToken = false,
        };
        var lifetime = new Option<TimeSpan>("--ttl")
        {
            Description = "How long the token is valid, such as 00:30:00 (at most 24 hours)",
            DefaultValueFactory = _ => TimeSpan.FromHours(1),
        };
        var command = new Command("token", "Mint a development token signed by the local dev key")
        {
            config, subject, groups, lifetime,
        };
        command.SetAction(result =>
        {
            var loaded = CommonOptions.LoadConfig(result.GetValue(config)!, resolveSecrets: false);
            if (loaded is null)
            {
                return 2;
            }

            var ttl = result.GetValue(lifetime);
            if (ttl <= TimeSpan.Zero || ttl > TimeSpan.FromHours(24))
            {
                Console.Error.WriteLine("sluice: --ttl must be more than zero and at most 24 hours");
                return 2;
            }

            if (!loaded.Identity.DevIssuer)
            {
                Console.Error.WriteLine(
                    $"sluice: warning: {loaded.SourcePath} does not set identity.dev_issuer, so the gateway will refuse this token");
            }

            var key = DevSigningKey.LoadOrCreate(loaded.DataDirectory);
            Console.WriteLine(key.Mint(result.GetValue(subject)!, result.GetValue(groups) ?? [], ttl, TimeProvider.System));
            return 0;
        });
        return command;
    }
}
