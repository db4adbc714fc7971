using System.Text.Json;
using Sluice.EndToEnd;
using Sluice.EndToEnd.Cases;
using Sluice.EndToEnd.Reporting;
using Sluice.IntegrationTests.Infrastructure;
using Sluice.IntegrationTests.Native;
using Xunit.Abstractions;

namespace Sluice.IntegrationTests.Bench;

/// <summary>
/// A smoke run of the end-to-end benchmark harness (bench/e2e.sh --quick, in process) against the published native
/// binary, its own PostgreSQL, pgbouncer and haproxy: every case is measured on every path with plausible figures,
/// the gateway configurations prove themselves before timing, and the reports name every target. The figures of
/// so short a run mean nothing; that the harness still works does.
/// </summary>
public sealed class EndToEndHarnessTests(ITestOutputHelper output)
{
    private static readonly string[] Paths = ["direct", "pgbouncer", "haproxy", "sluice-relay", "sluice-mask", "sluice-guard"];

    [SkippableFact]
    public async Task QuickRun_MeasuresEveryCaseOnEveryPath_AndWritesTheReports()
    {
        var binary = NativeGateway.FindBinary();
        Skip.If(binary is null, "no native binary: ./test.sh publishes one (or set SLUICE_NATIVE_BINARY)");
        Skip.If(!File.Exists("/usr/sbin/pgbouncer") || !File.Exists("/usr/sbin/haproxy"),
            "pgbouncer and haproxy are not installed (scripts/install-deps.sh installs them)");

        var outputDirectory = Directory.CreateTempSubdirectory("sluice-e2e-report-").FullName;
        try
        {
            var options = HarnessOptions.Quick(new HarnessOptions
            {
                Repository = Path.GetDirectoryName(RepositoryPaths.Find("Proxy.sln"))!,
                SluiceBinary = binary!,
                OutputDirectory = outputDirectory,
            }) with { IdleConnections = 20, Starts = 1 };
            var progress = new StringWriter();
            var report = await new Harness(options, progress).RunAsync(CancellationToken.None);
            output.WriteLine(progress.ToString());

            Assert.Contains("checked: the masking paths mask the three columns", progress.ToString(), StringComparison.Ordinal);
            foreach (var path in Paths)
            {
                var copyOut = Assert.Single(report.Of(BulkCases.CopyOut, path));
                Assert.Equal(options.Rows, copyOut.Rows);
                Assert.True(copyOut.Bytes > options.Rows * 100, $"{path}: {copyOut.Bytes} bytes for {copyOut.Rows} rows");
                var select = Assert.Single(report.Of(BulkCases.SelectAll, path));
                Assert.Equal(options.Rows, select.Rows);
                Assert.Equal(options.ImportRows, Assert.Single(report.Of(BulkCases.CopyIn, path)).Rows);
                foreach (var clients in options.Clients)
                {
                    var pgbench = Assert.Single(report.Of(PgbenchCase.Name(clients), path));
                    Assert.True(pgbench.TransactionsPerSecond > 0, $"{path}: no transactions at {clients} clients");
                    Assert.True(pgbench.LatencyP50Ms > 0 && pgbench.LatencyP99Ms >= pgbench.LatencyP50Ms);
                }

                Assert.True(Assert.Single(report.Of(PgbenchCase.ConnectName, path)).TransactionsPerSecond > 0);
                if (path != "direct")
                {
                    Assert.True(copyOut.ProxyCpuSeconds >= 0 && copyOut.ProxyPeakRssBytes > 0);
                    Assert.NotNull(report.IdleKibPerConnection(path));
                }
            }

            Assert.InRange(report.MedianStartupMs!.Value, 0.1, 15_000);

            var markdown = MarkdownReport.Write(report);
            Assert.Contains("| case | direct | pgbouncer (session) | haproxy (tcp) | Sluice relay+record |", markdown, StringComparison.Ordinal);
            Assert.Contains("RSS per idle connection ≤ 64 KiB", markdown, StringComparison.Ordinal);
            using var json = JsonDocument.Parse(JsonReport.Write(report));
            Assert.Equal(report.Samples.Count, json.RootElement.GetProperty("samples").GetArrayLength());
            Assert.All(json.RootElement.GetProperty("targets").EnumerateArray(), t => Assert.False(string.IsNullOrEmpty(t.GetProperty("measured").GetString())));
        }
        finally
        {
            Directory.Delete(outputDirectory, recursive: true);
        }
    }
}
