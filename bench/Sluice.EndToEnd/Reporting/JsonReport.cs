using System.Text;
using System.Text.Json;

namespace Sluice.EndToEnd.Reporting;

/// <summary>The raw figures of a run, every sample of every round, for anyone who wants other statistics.</summary>
internal static class JsonReport
{
    public static string Write(RunReport report)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteString("started", report.Started);
            json.WriteString("finished", report.Finished);
            json.WriteStartObject("machine");
            json.WriteString("description", report.Machine.ToString());
            json.WriteString("cpu", report.Machine.Cpu);
            json.WriteNumber("cores", report.Machine.Cores);
            json.WriteNumber("memory_gib", Math.Round(report.Machine.MemoryGiB, 1));
            json.WriteString("kernel", report.Machine.Kernel);
            json.WriteEndObject();

            var o = report.Options;
            json.WriteStartObject("options");
            json.WriteNumber("rows", o.Rows);
            json.WriteNumber("import_rows", o.ImportRows);
            json.WriteNumber("rounds", o.Rounds);
            json.WriteNumber("seconds", o.Seconds);
            json.WriteStartArray("clients");
            foreach (var clients in o.Clients)
            {
                json.WriteNumberValue(clients);
            }

            json.WriteEndArray();
            json.WriteNumber("connect_clients", o.ConnectClients);
            json.WriteNumber("idle_connections", o.IdleConnections);
            json.WriteNumber("pgbench_scale", o.PgbenchScale);
            json.WriteEndObject();

            json.WriteStartArray("paths");
            foreach (var path in report.Paths)
            {
                json.WriteStartObject();
                json.WriteString("key", path.Key);
                json.WriteString("label", path.Label);
                json.WriteEndObject();
            }

            json.WriteEndArray();

            json.WriteStartArray("samples");
            foreach (var sample in report.Samples)
            {
                json.WriteStartObject();
                json.WriteString("case", sample.Case);
                json.WriteString("path", sample.Path);
                json.WriteNumber("round", sample.Round);
                json.WriteNumber("seconds", sample.Seconds);
                json.WriteNumber("bytes", sample.Bytes);
                json.WriteNumber("rows", sample.Rows);
                Optional(json, "mb_per_s", sample.Bytes > 0 ? sample.MegabytesPerSecond : null);
                Optional(json, "tps", sample.TransactionsPerSecond);
                Optional(json, "latency_p50_ms", sample.LatencyP50Ms);
                Optional(json, "latency_p99_ms", sample.LatencyP99Ms);
                Optional(json, "rss_per_connection_bytes", sample.RssPerConnectionBytes);
                Optional(json, "proxy_cpu_s", sample.ProxyCpuSeconds);
                Optional(json, "proxy_peak_rss_bytes", sample.ProxyPeakRssBytes);
                json.WriteEndObject();
            }

            json.WriteEndArray();

            json.WriteStartArray("targets");
            foreach (var target in Targets.Evaluate(report))
            {
                json.WriteStartObject();
                json.WriteString("target", target.Description);
                json.WriteString("measured", target.Measured);
                if (target.Met is { } met)
                {
                    json.WriteBoolean("met", met);
                }
                else
                {
                    json.WriteNull("met");
                }

                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray()) + "\n";
    }

    private static void Optional(Utf8JsonWriter json, string name, double? value)
    {
        if (value is { } number)
        {
            json.WriteNumber(name, Math.Round(number, 4));
        }
    }
}
