using System.Globalization;
using System.Text;
using Sluice.EndToEnd.Client;

namespace Sluice.EndToEnd.Servers;

/// <summary>
/// The native sluice binary in one of the <see cref="SluiceVariant"/> configurations, with plaintext logins on
/// loopback (as every other path here), default recording, and a dev-issuer token for the identity "bench".
/// </summary>
internal static class SluiceGateway
{
    public static async Task<BenchPath> StartAsync(
        string binary, string workDirectory, PostgresCluster cluster, SluiceVariant variant)
    {
        var name = variant switch
        {
            SluiceVariant.Relay => "sluice-relay",
            SluiceVariant.Masking => "sluice-mask",
            _ => "sluice-guard",
        };
        var port = Shell.FreePort();
        var config = WriteConfiguration(binary, Path.Combine(workDirectory, name), cluster, variant, port);
        var token = Shell.Run(binary,
            ["token", "--config", config, "--subject", "bench", "--group", "bench", "--ttl", "12:00:00"]).Trim();
        var process = ManagedProcess.Start(name, Path.Combine(workDirectory, name + ".log"), [binary, "run", "--config", config]);
        await process.WaitForPortAsync(port, TimeSpan.FromSeconds(15));
        var label = variant switch
        {
            SluiceVariant.Relay => "Sluice relay+record",
            SluiceVariant.Masking => "Sluice +masking",
            _ => "Sluice +guardrails",
        };
        return new BenchPath(name, label, new Endpoint(port, "bench", token, "bench"), process);
    }

    /// <summary>Writes a checked configuration for <paramref name="variant"/> into <paramref name="directory"/>.</summary>
    public static string WriteConfiguration(
        string binary, string directory, PostgresCluster cluster, SluiceVariant variant, int port)
    {
        Directory.CreateDirectory(directory);
        var passwordFile = Path.Combine(directory, "upstream-password");
        File.WriteAllText(passwordFile, cluster.Password);
        File.SetUnixFileMode(passwordFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        var config = Path.Combine(directory, "sluice.yaml");
        File.WriteAllText(config, Configuration(directory, port, cluster.Port, passwordFile, variant));
        Shell.Run(binary, ["check", "--config", config]);
        return config;
    }

    private static string Configuration(string directory, int port, int upstreamPort, string passwordFile, SluiceVariant variant)
    {
        var yaml = new StringBuilder(string.Create(CultureInfo.InvariantCulture, $"""
            data_dir: {directory}/data
            listeners:
              - name: bench
                protocol: postgres
                listen: 127.0.0.1:{port}
                allow_plaintext_auth: true
                connections: [bench]
            connections:
              - name: bench
                protocol: postgres
                upstream:
                  host: 127.0.0.1
                  port: {upstreamPort}
                  database: {PostgresCluster.Database}
                  user: {PostgresCluster.Role}
                  password: {"{"} file: {passwordFile} {"}"}
            identity:
              dev_issuer: true
            access:
              - connections: [bench]
                groups: [bench]
            audit:
              path: {directory}/audit.jsonl

            """));
        if (variant >= SluiceVariant.Masking)
        {
            yaml.Append("""
                masking:
                  rules:
                    - name: email-domain-only
                      table: people
                      column: email
                      strategy: keep_email_domain
                    - name: phone-redacted
                      table: people
                      column: phone
                      strategy: redact
                    - name: ssn-redacted
                      table: people
                      column: ssn
                      strategy: redact

                """);
        }

        if (variant >= SluiceVariant.Guardrails)
        {
            // Rules a careful operator would set; none of them refuses the benchmark's statements, but every
            // statement is judged and every result's rows are counted against the approval threshold.
            yaml.Append("""
                policy:
                  rules:
                    - name: no-ddl-or-privilege-changes
                      groups: [bench]
                      deny: { classes: [ddl, privilege] }
                    - name: no-unbounded-writes
                      groups: [bench]
                      deny: { write_without_where: true }
                    - name: huge-exports-need-approval
                      groups: [bench]
                      require_approval: { rows: 100000000, mode: wait, timeout: 5m }
                approvals:
                  approver_groups: [approvers]

                """);
        }

        return yaml.ToString();
    }
}
