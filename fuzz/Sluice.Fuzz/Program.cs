using SharpFuzz;

namespace Sluice.Fuzz;

/// <summary>
/// Entry point for libFuzzer (through SharpFuzz's libfuzzer-dotnet driver). The first argument picks the
/// target; with "--replay DIR" it instead runs every file in DIR once, which needs no fuzzing tools.
/// </summary>
internal static class Program
{
    private static int Main(string[] args)
    {
        if (args is ["--write-recording-seeds", string folder])
        {
            RecordingSeeds.WriteAsync(folder).GetAwaiter().GetResult();
            return 0;
        }

        ReadOnlySpanAction? target = args.Length == 0 ? null : args[0] switch
        {
            "pg-frontend" => PgTargets.Frontend,
            "pg-backend" => PgTargets.Backend,
            "pg-copy-text" => PgTargets.CopyText,
            "pg-copy-csv" => PgTargets.CopyCsv,
            "pg-copy-binary" => PgTargets.CopyBinary,
            "scram" => ScramTargets.Scram,
            "mask" => MaskTargets.Mask,
            "sql" => CoreTargets.Sql,
            "recording" => CoreTargets.Recording,
            "config" => CoreTargets.Config,
            _ => null,
        };
        if (target is null)
        {
            Console.Error.WriteLine("usage: Sluice.Fuzz TARGET [--replay DIR]; TARGET is one of pg-frontend, pg-backend, "
                + "pg-copy-text, pg-copy-csv, pg-copy-binary, scram, mask, sql, recording, config");
            return 2;
        }

        if (args.Length == 3 && args[1] == "--replay")
        {
            foreach (string file in Directory.EnumerateFiles(args[2]))
            {
                target(File.ReadAllBytes(file));
            }

            Console.WriteLine("replayed " + Directory.EnumerateFiles(args[2]).Count() + " inputs");
            return 0;
        }

        Fuzzer.LibFuzzer.Run(target);
        return 0;
    }
}
