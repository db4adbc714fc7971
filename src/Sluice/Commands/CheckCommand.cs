using System.CommandLine;

namespace Sluice.Host.Commands;

/// <summary><c>sluice check --config F</c>: validates a configuration without starting anything.</summary>
internal static class CheckCommand
{
    public static Command Create()
    {
        var config = CommonOptions.Config();
        var command = new Command("check", "Validate a configuration file and exit") { config };
        command.SetAction(result =>
        {
            var loaded = CommonOptions.LoadConfig(result.GetValue(config)!);
            if (loaded is null)
            {
                return 2;
            }

            Console.WriteLine(
                $"{loaded.SourcePath}: valid ({loaded.Listeners.Count} listener(s), {loaded.Connections.Count} " +
                $"connection(s), {loaded.Access.Count} access rule(s))");
            return 0;
        });
        return command;
    }
}
