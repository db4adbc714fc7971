using System.Globalization;
using System.Text;
using Sluice.EndToEnd.Cases;

namespace Sluice.EndToEnd.Reporting;

/// <summary>
/// The run as markdown: one table of every case on every path (each with its ratio to the direct connection),
/// then the product's targets with what was measured against them.
/// </summary>
internal static class MarkdownReport
{
    private const char Dash = '–';

    public static string Write(RunReport report)
    {
        var text = new StringBuilder();
        var o = report.Options;
        text.AppendLine(Invariant($"Measured {report.Started:yyyy-MM-dd HH:mm} UTC on {report.Machine}."));
        text.Append(Invariant(
            $"{o.Rows:N0} rows of `people` ({report.ExportBytes / 1e6:F0} MB per `SELECT *` on the wire), import of {o.ImportRows:N0} rows, "));
        text.Append(Invariant($"{o.Rounds} rounds with the order of paths rotated, pgbench runs of {o.Seconds} s. "));
        text.AppendLine("Each cell is the median over rounds, with its ratio to the direct connection in the same run. Client, " +
            "proxy and PostgreSQL share the same cores, so compare ratios, not absolute figures.");
        text.AppendLine();

        var paths = report.Paths;
        text.Append("| case |");
        foreach (var path in paths)
        {
            text.Append(' ').Append(path.Label).Append(" |");
        }

        text.AppendLine().Append("|---|").AppendLine(string.Concat(Enumerable.Repeat("---:|", paths.Count)));

        Row(text, report, "`COPY TO STDOUT`, MB/s", p => report.MedianMegabytesPerSecond(BulkCases.CopyOut, p), "F0", ratio: true);
        Row(text, report, "`SELECT *` drained, MB/s", p => report.MedianMegabytesPerSecond(BulkCases.SelectAll, p), "F0", ratio: true);
        Row(text, report, "`SELECT *` drained, thousand rows/s", p => report.MedianRowsPerSecond(BulkCases.SelectAll, p) / 1000, "F0", ratio: true);
        Row(text, report, "`COPY FROM STDIN`, MB/s", p => report.MedianMegabytesPerSecond(BulkCases.CopyIn, p), "F0", ratio: true);
        foreach (var clients in o.Clients)
        {
            var name = PgbenchCase.Name(clients);
            Row(text, report, Invariant($"`pgbench -S`, {clients} client{(clients == 1 ? "" : "s")}, TPS"), p => report.MedianTps(name, p), "F0", ratio: true);
            LatencyRow(text, report, Invariant($"… latency p50 / p99, ms"), name);
        }

        Row(text, report, Invariant($"connections/s (connect, log in, 1 query; {o.ConnectClients} clients)"),
            p => report.MedianTps(PgbenchCase.ConnectName, p), "F0", ratio: true);
        Row(text, report, "proxy CPU s per GB, `COPY TO STDOUT`", p => report.CpuSecondsPerGigabyte(BulkCases.CopyOut, p), "F2", ratio: false);
        Row(text, report, "proxy CPU s per GB, `SELECT *`", p => report.CpuSecondsPerGigabyte(BulkCases.SelectAll, p), "F2", ratio: false);
        Row(text, report, "proxy CPU s per GB, `COPY FROM STDIN`", p => report.CpuSecondsPerGigabyte(BulkCases.CopyIn, p), "F2", ratio: false);
        var busiest = PgbenchCase.Name(o.Clients.Max());
        Row(text, report, Invariant($"proxy CPU µs per `pgbench -S` transaction ({o.Clients.Max()} clients)"),
            p => report.CpuMicrosecondsPerTransaction(busiest, p), "F1", ratio: false);
        Row(text, report, "proxy CPU µs per connection set-up", p => report.CpuMicrosecondsPerTransaction(PgbenchCase.ConnectName, p), "F0", ratio: false);
        Row(text, report, "proxy peak RSS during `SELECT *`, MiB", p => report.PeakRssBytes(BulkCases.SelectAll, p) / 1048576.0, "F0", ratio: false);
        Row(text, report, Invariant($"proxy RSS per idle connection ({o.IdleConnections:N0} open), KiB"), report.IdleKibPerConnection, "F1", ratio: false);

        text.AppendLine();
        text.AppendLine("| target | measured | met |");
        text.AppendLine("|---|---|:---:|");
        foreach (var target in Targets.Evaluate(report))
        {
            text.AppendLine($"| {target.Description} | {target.Measured} | {(target.Met is null ? $"{Dash}" : target.Met.Value ? "yes" : "**no**")} |");
        }

        return text.ToString();
    }

    private static void Row(StringBuilder text, RunReport report, string label, Func<string, double?> value, string format, bool ratio)
    {
        var direct = value("direct");
        text.Append("| ").Append(label).Append(" |");
        foreach (var path in report.Paths)
        {
            var figure = value(path.Key);
            text.Append(' ');
            if (figure is null)
            {
                text.Append(Dash);
            }
            else
            {
                text.Append(figure.Value.ToString(format, CultureInfo.InvariantCulture));
                if (ratio && path.Key != "direct" && direct is > 0)
                {
                    text.Append(Invariant($" ({figure.Value / direct.Value:F2}×)"));
                }
            }

            text.Append(" |");
        }

        text.AppendLine();
    }

    private static void LatencyRow(StringBuilder text, RunReport report, string label, string caseName)
    {
        text.Append("| ").Append(label).Append(" |");
        foreach (var path in report.Paths)
        {
            var p50 = report.MedianP50(caseName, path.Key);
            var p99 = report.MedianP99(caseName, path.Key);
            text.Append(' ').Append(p50 is null || p99 is null ? $"{Dash}" : Invariant($"{p50:F3} / {p99:F3}")).Append(" |");
        }

        text.AppendLine();
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
