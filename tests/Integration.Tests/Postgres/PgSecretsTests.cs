using System.Net.Http.Headers;
using System.Text;
using Npgsql;
using Sluice.Core.Identity;
using Sluice.Core.Recording;
using Sluice.IntegrationTests.Infrastructure;

namespace Sluice.IntegrationTests.Postgres;

/// <summary>
/// Secrets never reach a log line, the audit log or a recording: sessions run with every kind of credential
/// (dev token, OIDC token from a JWKS, API key, the injected upstream password), and fail with each of them
/// (a wrong upstream password, a garbage token, a token from an untrusted key, expired tokens), through the
/// relay and the admin API; then every captured log line, the audit file and every recording (decoded, and
/// its raw bytes) are searched for each secret and for each token's signature part.
/// </summary>
[Collection("postgres")]
public sealed class PgSecretsTests(PostgresFixture postgres)
{
    [Fact]
    public async Task NoSecretAppearsInLogsAuditOrRecordings()
    {
        var apiKey = ApiKeys.Generate();
        var wrongUpstreamPassword = "wrong-upstream-" + Guid.NewGuid().ToString("N");
        var garbage = "garbage-credential-" + Guid.NewGuid().ToString("N");
        var options = new HarnessOptions
        {
            IdentityYaml = $"""
                  api_keys:
                    - identity: key-agent
                      sha256: {ApiKeys.HashHex(apiKey)}
                      groups: [demo]
                """,
            ApprovalsYaml = """
                approvals:
                  approver_groups: [dba]
                admin:
                  listen: 127.0.0.1:0
                """,
            RecordBindParameters = true,
        };

        await using var gateway = await GatewayHarness.StartAsync(postgres, options);
        await using var misconfigured = await GatewayHarness.StartAsync(postgres, new HarnessOptions
        {
            UpstreamPassword = wrongUpstreamPassword,
        });

        var past = new FixedTime(DateTimeOffset.UtcNow.AddHours(-2));
        var devToken = gateway.MintDevToken("dev-agent", "demo");
        var oidcToken = gateway.Issuer.Token();
        var expiredDev = gateway.DevKey.Mint("late-agent", ["demo"], TimeSpan.FromMinutes(5), past);
        var expiredOidc = gateway.Issuer.Token(notBefore: DateTime.UtcNow.AddHours(-2), expires: DateTime.UtcNow.AddHours(-1));
        var untrusted = gateway.Issuer.Token(signWithUntrustedKey: true);
        var misconfiguredToken = misconfigured.MintDevToken("dev-agent", "demo");

        foreach (var token in new[] { devToken, oidcToken, apiKey })
        {
            await using var connection = await gateway.OpenAsync(token);
            await using var command = new NpgsqlCommand("SELECT $1::text || current_user", connection);
            command.Parameters.AddWithValue("hello ");
            Assert.StartsWith("hello ", (string)(await command.ExecuteScalarAsync())!, StringComparison.Ordinal);
        }

        foreach (var token in new[] { garbage, expiredDev, expiredOidc, untrusted })
        {
            var refused = await Assert.ThrowsAsync<PostgresException>(() => gateway.OpenAsync(token));
            Assert.Equal("28P01", refused.SqlState);
        }

        var upstreamRefused = await Assert.ThrowsAsync<PostgresException>(() => misconfigured.OpenAsync(misconfiguredToken));
        Assert.Equal("08001", upstreamRefused.SqlState);

        using (var http = new HttpClient { BaseAddress = new Uri($"http://{gateway.AdminEndpoint}/") })
        {
            foreach (var token in new[] { devToken, oidcToken, apiKey, garbage, expiredDev, untrusted })
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, "approvals/R-NOTREAL/approve");
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
                using var response = await http.SendAsync(request);
                Assert.False(response.IsSuccessStatusCode);
            }
        }

        await gateway.WaitForRecordingAsync(r => r.Header.Subject == "key-agent");
        var logs = gateway.Logs.Entries.Concat(misconfigured.Logs.Entries)
            .Select(e => e.Message + " " + e.Exception)
            .ToList();
        Assert.NotEmpty(logs);
        var audit = await File.ReadAllTextAsync(gateway.AuditFile) + await File.ReadAllTextAsync(misconfigured.AuditFile);
        Assert.Contains("auth.failure", audit, StringComparison.Ordinal);
        var recordings = gateway.Recordings.List(new RecordingFilter()).Select(r => r.Path).ToList();
        Assert.Equal(3, recordings.Count);

        // The scan reads what it should: parameters decoded from the recordings, failures in the log.
        Assert.All(recordings, path => Assert.Contains("hello ", Decoded(path), StringComparison.Ordinal));
        Assert.Contains(logs, line => line.Contains("authentication failed", StringComparison.Ordinal));

        var secrets = new Dictionary<string, string>
        {
            ["upstream password"] = postgres.UpstreamPassword,
            ["wrong upstream password"] = wrongUpstreamPassword,
            ["API key"] = apiKey,
            ["garbage credential"] = garbage,
        };
        foreach (var (name, token) in new[]
        {
            ("dev token", devToken), ("OIDC token", oidcToken), ("expired dev token", expiredDev),
            ("expired OIDC token", expiredOidc), ("untrusted token", untrusted), ("other gateway's dev token", misconfiguredToken),
        })
        {
            secrets[name] = token;
            secrets[name + " signature"] = token[(token.LastIndexOf('.') + 1)..];
        }

        foreach (var (name, secret) in secrets)
        {
            Assert.True(secret.Length >= 20, $"{name} is too short to search for meaningfully");
            Assert.DoesNotContain(logs, line => line.Contains(secret, StringComparison.Ordinal));
            Assert.DoesNotContain(secret, audit, StringComparison.Ordinal);
            foreach (var path in recordings)
            {
                var raw = await File.ReadAllBytesAsync(path);
                Assert.True(raw.AsSpan().IndexOf(Encoding.UTF8.GetBytes(secret)) < 0, $"{name} in the raw bytes of {path}");
                Assert.DoesNotContain(secret, Decoded(path), StringComparison.Ordinal);
            }
        }
    }

    /// <summary>Everything a recording holds, as text: the replay, the header and every byte value.</summary>
    private static string Decoded(string path)
    {
        var events = RecordingReader.ReadEvents(path).ToList();
        var text = new StringWriter();
        ReplayFormatter.Write(text, events, new ReplayOptions(BinaryRenderer: Sluice.Protocols.Postgres.PgBinaryText.Render));
        foreach (var e in events)
        {
            text.WriteLine(e.ToString());
            IEnumerable<byte[]?> values = e switch
            {
                RowEvent row => row.Cells,
                ParametersEvent parameters => parameters.Values,
                CopyDataEvent copy => [copy.Data],
                _ => [],
            };
            foreach (var value in values)
            {
                text.WriteLine(value is null ? "" : Encoding.UTF8.GetString(value));
            }

            if (e is SessionStartedEvent started)
            {
                text.WriteLine(started.Header.ToString());
            }
        }

        return text.ToString();
    }

    private sealed class FixedTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
