using Npgsql;
using Sluice.Core.Configuration;
using Sluice.Core.Identity;
using Sluice.IntegrationTests.Infrastructure;
using Sluice.IntegrationTests.Postgres;

namespace Sluice.IntegrationTests.Cli;

/// <summary>The operator's commands: check, token, apikey, sessions, replay, verify.</summary>
[Collection("postgres")]
public sealed class CliTests(PostgresFixture postgres) : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("sluice-cli-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private string WriteConfig(string yaml)
    {
        var path = Path.Combine(_directory, "sluice.yaml");
        File.WriteAllText(path, yaml);
        return path;
    }

    private const string ValidConfig = """
        data_dir: ./data
        listeners:
          - name: pg
            protocol: postgres
            listen: 127.0.0.1:6432
            connections: [demo]
        connections:
          - name: demo
            protocol: postgres
            upstream: { host: 127.0.0.1, port: 5432, database: demo, user: u, password: { value: "s3cret-upstream" } }
        identity:
          dev_issuer: true
        access:
          - connections: [demo]
            groups: [demo]
        """;

    [Fact]
    public async Task Check_ValidConfig_SaysSo()
    {
        var (exit, output, _) = await SluiceCli.RunAsync("check", "--config", WriteConfig(ValidConfig));
        Assert.Equal(0, exit);
        Assert.Contains("valid (1 listener(s), 1 connection(s), 1 access rule(s))", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Check_InvalidConfig_PrintsFileLineColumnAndReason_AndNoSecret()
    {
        var misspelt = ValidConfig.Replace(
            "connections: [demo]\nconnections:", "connections: [dmeo]\nconnections:", StringComparison.Ordinal);
        var path = WriteConfig(misspelt);
        var (exit, output, error) = await SluiceCli.RunAsync("check", "--config", path);
        Assert.Equal(2, exit);
        Assert.Contains($"{path}:6:19: ", error, StringComparison.Ordinal);
        Assert.Contains("dmeo", error, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cret-upstream", error + output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_InvalidConfig_RefusesToStart()
    {
        var path = WriteConfig(ValidConfig.Replace("listen: 127.0.0.1:6432", "listen: somewhere:6432", StringComparison.Ordinal));
        var (exit, _, error) = await SluiceCli.RunAsync("run", "--config", path);
        Assert.Equal(2, exit);
        Assert.Contains($"{path}:5:13: ", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Token_MintsATokenTheGatewayAccepts()
    {
        var path = WriteConfig(ValidConfig);
        var (exit, output, _) = await SluiceCli.RunAsync(
            "token", "--config", path, "--subject", "ci-job", "--group", "demo", "--ttl", "00:05:00");
        Assert.Equal(0, exit);

        var config = ConfigLoader.Load(path);
        using var authenticator = new TokenAuthenticator(
            config.Identity, DevSigningKey.LoadOrCreate(config.DataDirectory), TimeProvider.System);
        var result = await authenticator.AuthenticateAsync(output.Trim(), CancellationToken.None);
        Assert.True(result.Succeeded, result.Failure.ToString());
        Assert.Equal("ci-job", result.Principal!.Subject);
        Assert.Equal(["demo"], result.Principal.Groups);
        Assert.InRange(result.Principal.ExpiresAt!.Value, DateTimeOffset.UtcNow.AddMinutes(4), DateTimeOffset.UtcNow.AddMinutes(6));
    }

    [Fact]
    public async Task ApiKey_PrintsAKeyAndTheHashThatTrustsIt()
    {
        var (exit, output, _) = await SluiceCli.RunAsync("apikey", "--identity", "nightly-export");
        Assert.Equal(0, exit);
        var lines = output.Split('\n', StringSplitOptions.TrimEntries);
        var key = lines[0][(lines[0].LastIndexOf(' ') + 1)..];
        Assert.StartsWith(ApiKeys.Prefix, key, StringComparison.Ordinal);
        Assert.Contains($"sha256: {ApiKeys.HashHex(key)}", output, StringComparison.Ordinal);
        Assert.Contains("- identity: nightly-export", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SessionsReplayVerify_ShowWhatASessionDid_AndCatchTampering()
    {
        string path;
        await using (var gateway = await GatewayHarness.StartAsync(postgres))
        {
            await using (var connection = await gateway.OpenAsync(gateway.MintDevToken("cli-agent", "demo")))
            {
                await new NpgsqlCommand("SELECT email FROM customers WHERE id = 7", connection).ExecuteScalarAsync();
            }

            var recording = await gateway.WaitForRecordingAsync(r => r.Header.Subject == "cli-agent");
            path = recording.Path;

            var sessions = await SluiceCli.RunAsync("sessions", "--config", gateway.ConfigPath, "--identity", "cli-agent");
            Assert.Equal(0, sessions.ExitCode);
            Assert.Contains(recording.Header.SessionId, sessions.Output, StringComparison.Ordinal);
            Assert.Contains("1 session(s)", sessions.Output, StringComparison.Ordinal);

            var replay = await SluiceCli.RunAsync("replay", recording.Header.SessionId[..12], "--config", gateway.ConfigPath);
            Assert.Equal(0, replay.ExitCode);
            Assert.Contains("SELECT email FROM customers WHERE id = 7", replay.Output, StringComparison.Ordinal);
            Assert.Contains("@example.com", replay.Output, StringComparison.Ordinal);
            Assert.Contains("cli-agent", replay.Output, StringComparison.Ordinal);
        }

        var intact = await SluiceCli.RunAsync("verify", path);
        Assert.Equal(0, intact.ExitCode);
        Assert.Contains(": OK:", intact.Output, StringComparison.Ordinal);

        var tampered = Path.Combine(_directory, "tampered.sluicerec");
        var bytes = await File.ReadAllBytesAsync(path);
        bytes[^40] ^= 0x01;
        await File.WriteAllBytesAsync(tampered, bytes);
        var corrupt = await SluiceCli.RunAsync("verify", tampered);
        Assert.Equal(1, corrupt.ExitCode);
        Assert.Contains("CORRUPT", corrupt.Output, StringComparison.Ordinal);

        var truncated = Path.Combine(_directory, "truncated.sluicerec");
        await File.WriteAllBytesAsync(truncated, bytes.AsSpan(0, bytes.Length - 10).ToArray());
        var cut = await SluiceCli.RunAsync("verify", truncated);
        Assert.Equal(0, cut.ExitCode);
        Assert.Contains("OK (truncated, not closed)", cut.Output, StringComparison.Ordinal);
        Assert.Contains("ended without a closing frame", cut.Output, StringComparison.Ordinal);
    }
}
