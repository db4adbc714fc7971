using System.CommandLine;
using System.Globalization;
using Sluice.EndToEnd.Reporting;

[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]

namespace Sluice.EndToEnd;

/// <summary>
/// <c>Sluice.EndToEnd</c>: measures Sluice beside a direct connection, pgbouncer and haproxy on this machine and
/// writes the table (markdown) and the raw figures (JSON). bench/e2e.sh builds everything and runs it.
/// </summary>
internal static class Program
{
    public static async Task<int> Main(string[] args)
    {
        var repository = FindRepository();
        var sluice = new Option<FileInfo>("--sluice")
        {
            Description = "The native sluice binary to measure",
            DefaultValueFactory = _ => new FileInfo(Path.Combine(repository, "publish", "linux-x64", "sluice")),
        };
        var output = new Option<DirectoryInfo>("--output")
        {
            Description = "Where to write e2e-<date>.md and .json (and latest.md, latest.json)",
            DefaultValueFactory = _ => new DirectoryInfo(Path.Combine(repository, "bench", "results")),
        };
        var work = new Option<DirectoryInfo?>("--work") { Description = "Working directory for servers (default: a new temporary one)" };
        var keep = new Option<bool>("--keep") { Description = "Keep the working directory (logs, recordings) afterwards" };
        var quick = new Option<bool>("--quick") { Description = "A short smoke run with a small table, to check the harness itself" };
        var rows = new Option<long?>("--rows") { Description = "Rows in the exported table (default 2,000,000)" };
        var rounds = new Option<int?>("--rounds") { Description = "Rounds over all paths (default 3)" };
        var seconds = new Option<int?>("--seconds") { Description = "Length of each pgbench run in seconds (default 10)" };
        var idle = new Option<int?>("--idle") { Description = "Idle connections opened per proxy (default 1,000)" };

        var root = new RootCommand("Measure Sluice beside direct PostgreSQL, pgbouncer and haproxy, side by side in one run")
        {
            sluice, output, work, keep, quick, rows, rounds, seconds, idle,
        };
        root.SetAction(async (result, cancellationToken) =>
        {
            var binary = result.GetValue(sluice)!;
            if (!binary.Exists)
            {
                Console.Error.WriteLine($"no sluice binary at {binary.FullName}: publish it first (bench/e2e.sh does)");
                return 2;
            }

            var options = new HarnessOptions
            {
                Repository = repository,
                SluiceBinary = binary.FullName,
                OutputDirectory = result.GetValue(output)!.FullName,
                WorkDirectory = result.GetValue(work)?.FullName,
                KeepWorkDirectory = result.GetValue(keep),
            };
            if (result.GetValue(quick))
            {
                options = HarnessOptions.Quick(options);
            }

            options = options with
            {
                Rows = result.GetValue(rows) ?? options.Rows,
                Rounds = result.GetValue(rounds) ?? options.Rounds,
                Seconds = result.GetValue(seconds) ?? options.Seconds,
                IdleConnections = result.GetValue(idle) ?? options.IdleConnections,
            };
            options = options with { ImportRows = Math.Min(options.ImportRows, options.Rows) };

            var report = await new Harness(options, Console.Error).RunAsync(cancellationToken);
            var markdown = MarkdownReport.Write(report);
            var json = JsonReport.Write(report);
            Directory.CreateDirectory(options.OutputDirectory);
            var stamp = report.Started.ToString("yyyyMMdd-HHmm", CultureInfo.InvariantCulture) + (result.GetValue(quick) ? "-quick" : "");
            // A smoke run's figures are not the product's figures: it never replaces latest.
            foreach (var name in result.GetValue(quick) ? [$"e2e-{stamp}"] : new[] { $"e2e-{stamp}", "latest" })
            {
                File.WriteAllText(Path.Combine(options.OutputDirectory, name + ".md"), markdown);
                File.WriteAllText(Path.Combine(options.OutputDirectory, name + ".json"), json);
            }

            Console.WriteLine(markdown);
            Console.Error.WriteLine($"written to {Path.Combine(options.OutputDirectory, $"e2e-{stamp}")}.md and .json");
            return 0;
        });
        return await root.Parse(args).InvokeAsync();
    }

    private static string FindRepository()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Proxy.sln")))
            {
                return directory.FullName;
            }
        }

        return Directory.GetCurrentDirectory();
    }
}
