using System.CommandLine;
using Sluice.Core.Identity;

namespace Sluice.Host.Commands;

/// <summary>
/// <c>sluice apikey</c>: generates a static API key and prints the hash to put in the configuration. The key
/// itself is shown once and stored nowhere.
/// </summary>
internal static class ApiKeyCommand
{
    public static Command Create()
    {
        var identity = new Option<string>("--identity", "-i") { Description = "Identity the key stands for", Required = true };
        var command = new Command("apikey", "Generate an API key and the configuration entry that trusts it") { identity };
        command.SetAction(result =>
        {
            var key = ApiKeys.Generate();
            var hash = Convert.ToHexStringLower(ApiKeys.Hash(key));
            Console.WriteLine($"key (give this to the caller; it is not stored): {key}");
            Console.WriteLine("configuration entry (identity.api_keys):");
            Console.WriteLine($"  - identity: {result.GetValue(identity)}");
            Console.WriteLine($"    sha256: {hash}");
            return 0;
        });
        return command;
    }
}
