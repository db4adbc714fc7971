using System.CommandLine;
using Sluice.Host.Commands;

namespace Sluice.Host;

internal static class Program
{
    /// <summary>
    /// Socket completions run on the event thread instead of being handed to the thread pool. For a relay, whose
    /// work after each read is short and never blocks, the hand-off cost more than the work: pgbench through the
    /// gateway ran up to twice as fast without it. An operator can still set the variable to 0.
    /// </summary>
    private const string InlineSocketCompletions = "DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS";

    public static async Task<int> Main(string[] args)
    {
        // Read once, when the first socket is made: this must come before anything opens one.
        if (Environment.GetEnvironmentVariable(InlineSocketCompletions) is null)
        {
            Environment.SetEnvironmentVariable(InlineSocketCompletions, "1");
        }

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
