using System.CommandLine;
using Sluice.Core.Recording;

namespace Sluice.Host.Commands;

/// <summary><c>sluice sessions</c>: lists recorded sessions, newest first.</summary>
internal static class SessionsCommand
{
    public static Command Create()
    {
        var config = CommonOptions.Config();
        var identity = new Option<string?>("--identity") { Description = "Only sessions of this identity" };
        var connection = new Option<string?>("--connection") { Description = "Only sessions of this connection" };
        var since = new Option<DateTimeOffset?>("--since") { Description = "Only sessions started at or after this time" };
        var until = new Option<DateTimeOffset?>("--until") { Description = "Only sessions started before this time" };
        var command = new Command("sessions", "List recorded sessions") { config, identity, connection, since, until };
        command.SetAction(result =>
        {
            var loaded = CommonOptions.LoadConfig(result.GetValue(config)!, resolveSecrets: false);
            if (loaded is null)
            {
                return 2;
            }

            var store = new RecordingStore(Path.Combine(loaded.DataDirectory, "recordings"));
            var sessions = store.List(new RecordingFilter(
                result.GetValue(identity), result.GetValue(connection), result.GetValue(since), result.GetValue(until)));
            Console.WriteLine($"{"SESSION",-32}  {"STARTED (UTC)",-19}  {"IDENTITY",-16}  {"CONNECTION",-12}  {"STMTS",6}  STATE");
            foreach (var session in sessions)
            {
                var header = session.Header;
                var state = session.Complete ? session.EndReason ?? "ended" : "open or cut short";
                Console.WriteLine(
                    $"{header.SessionId,-32}  {header.StartedAt.UtcDateTime:yyyy-MM-dd HH:mm:ss}  {Cut(header.Subject, 16),-16}  " +
                    $"{Cut(header.Connection, 12),-12}  {session.Statements,6}  {state}");
            }

            Console.WriteLine($"{sessions.Count} session(s) in {store.Directory}");
            return 0;
        });
        return command;
    }

    private static string Cut(string value, int width) => value.Length <= width ? value : value[..(width - 1)] + "…";
}
