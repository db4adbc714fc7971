using System.CommandLine;
using Sluice.Host.Commands;

namespace Sluice.Host;

internal static class Program
{
    public static async Task<int> Main(string[] args)
    {
        var root = new RootCommand(
            "Sluice: an access gateway for machine identities. It terminates database connections, " +
            "authenticates callers by token, injects the real credential and records every session.");
        root.Subcommands.Add(RunCommand.Create());
        root.Subcommands.Add(CheckCommand.Create());
        root.Subcommands.Add(TokenCommand.Create());
        root.Subcommands.Add(ApiKeyCommand.Create());
        root.Subcommands.Add(SessionsCommand.Create());
        root.Subcommands.Add(ReplayCommand.Create());
        root.Subcommands.Add(VerifyCommand.Create());
        root.Subcommands.Add(ApprovalCommands.List());
        root.Subcommands.Add(ApprovalCommands.Approve());
        root.Subcommands.Add(ApprovalCommands.Deny());
        return await root.Parse(args).InvokeAsync();
    }
}
