using Sluice.Core.Configuration;

namespace Sluice.Core.Tests.Configuration;

public sealed class ConfigLoaderUnresolvedSecretsTests
{
    private const string Yaml = """
        listeners:
          - name: pg
            protocol: postgres
            listen: 127.0.0.1:6432
            connections: [a, b]
        connections:
          - name: a
            protocol: postgres
            upstream: { host: h, user: u, password: { env: SLUICE_TEST_NEVER_SET_VARIABLE } }
          - name: b
            protocol: postgres
            upstream: { host: h, user: u, password: { file: /nonexistent/secret } }
        access:
          - connections: [a]
            groups: [g]
        """;

    [Fact]
    public void Load_WithoutResolvingSecrets_NeitherReadsTheEnvironmentNorTheFiles()
    {
        using var folder = new TempFolder();
        var path = folder.Write("sluice.yaml", Yaml);

        var config = ConfigLoader.Load(path, resolveSecrets: false);

        Assert.Equal("", config.Connections[0].Upstream.Password!.Reveal());
        Assert.Equal("env:SLUICE_TEST_NEVER_SET_VARIABLE (not read)", config.Connections[0].Upstream.Password!.Origin);
        Assert.Equal("file:/nonexistent/secret (not read)", config.Connections[1].Upstream.Password!.Origin);
        Assert.Equal(Path.Combine(Path.GetDirectoryName(path)!, "data"), config.DataDirectory);
    }

    [Fact]
    public void Load_ResolvingSecrets_StillRefusesAMissingVariable()
    {
        using var folder = new TempFolder();
        var path = folder.Write("sluice.yaml", Yaml);

        var error = Assert.Throws<ConfigException>(() => ConfigLoader.Load(path));
        Assert.Equal(9, error.Line);
        Assert.Contains("SLUICE_TEST_NEVER_SET_VARIABLE", error.Reason, StringComparison.Ordinal);
    }
}
