using BenchmarkDotNet.Running;

namespace Sluice.Benchmarks;

/// <summary>Runs the benchmarks; refuses a Debug build, whose numbers would mislead.</summary>
internal static class Program
{
    private static int Main(string[] args)
    {
#if DEBUG
        Console.Error.WriteLine(
            "Benchmarks must run from a Release build: dotnet run -c Release --project bench/Sluice.Benchmarks");
        _ = args;
        return 1;
#else
        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
        return 0;
#endif
    }
}
