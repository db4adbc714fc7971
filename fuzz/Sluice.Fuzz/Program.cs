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
        if (args.Length == 0 || args[0] is not ("pg-frontend" or "pg-backend"))
        {
            Console.Error.WriteLine("usage: Sluice.Fuzz pg-frontend|pg-backend [--replay DIR]");
            return 2;
        }

        ReadOnlySpanAction target = args[0] == "pg-frontend" ? PgTargets.Frontend : PgTargets.Backend;
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
