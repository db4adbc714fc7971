using System.CommandLine;
using Sluice.Core.Recording;
using Sluice.Protocols.Postgres;

namespace Sluice.Host.Commands;

/// <summary><c>sluice replay ID</c>: prints a recorded session as a readable timeline.</summary>
internal static class ReplayCommand
{
    public static Command Create()
    {
        var config = CommonOptions.Config();
        var id = new Argument<string>("session") { Description = "Session id (a unique prefix is enough) or recording file" };
        var maxRows = new Option<int>("--max-rows") { Description = "Rows shown per result", DefaultValueFactory = _ => 20 };
        var command = new Command("replay", "Print a recorded session as a timeline") { config, id, maxRows };
        command.SetAction(result =>
        {
            var loaded = CommonOptions.LoadConfig(result.GetValue(config)!, resolveSecrets: false);
            if (loaded is null)
            {
                return 2;
            }

            var store = new RecordingStore(Path.Combine(loaded.DataDirectory, "recordings"));
            var path = store.Resolve(result.GetValue(id)!);
            if (path is null)
            {
                Console.Error.WriteLine($"sluice: no single recording matches \"{result.GetValue(id)}\" in {store.Directory}");
                return 1;
            }

            var verification = RecordingVerifier.Verify(path);
            try
            {
                var renderer = RecordingReader.ReadHeader(path).Protocol == "postgres" ? PgBinaryText.Render : (BinaryCellRenderer?)null;
                ReplayFormatter.Write(
                    Console.Out, RecordingReader.ReadEvents(path), new ReplayOptions(result.GetValue(maxRows), BinaryRenderer: renderer));
            }
            catch (RecordingFormatException e)
            {
                // Everything before the damage has been printed; say where it stops and why.
                Console.Out.Flush();
                Console.Error.WriteLine($"sluice: replay stopped: {e.Message}");
            }

            Console.WriteLine();
            Console.WriteLine($"recording {path}: {verification.Message}");
            return verification.Status == VerificationStatus.Corrupt ? 1 : 0;
        });
        return command;
    }
}
