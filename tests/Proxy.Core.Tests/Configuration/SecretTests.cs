using Sluice.Core.Configuration;

namespace Sluice.Core.Tests.Configuration;

public sealed class SecretTests
{
    [Fact]
    public void ToString_hides_the_value()
    {
        var secret = new Secret("hunter2", "env:PW");

        Assert.Equal("<secret from env:PW>", secret.ToString());
        Assert.DoesNotContain("hunter2", $"{secret}", StringComparison.Ordinal);
        Assert.Equal("hunter2", secret.Reveal());
    }

    [Fact]
    public void File_secret_is_read_relative_to_config_and_loses_final_newline()
    {
        using var folder = new TempFolder();
        folder.Write("secrets/pg.txt", "file-secret\n");
        var path = folder.Write("sluice.yaml", ConfigLoaderTests.Minimal().Replace(
            "user: u }", "user: u, password: { file: secrets/pg.txt } }", StringComparison.Ordinal));

        var password = ConfigLoader.Load(path).Connections[0].Upstream.Password!;

        Assert.Equal("file-secret", password.Reveal());
        Assert.Equal("file:" + Path.Combine(folder.Path, "secrets", "pg.txt"), password.Origin);
    }

    [Fact]
    public void Env_secret_reads_the_process_environment()
    {
        var variable = "SLUICE_TEST_PW_" + Guid.NewGuid().ToString("N");
        Environment.SetEnvironmentVariable(variable, "env-secret");
        try
        {
            var yaml = ConfigLoaderTests.Minimal().Replace(
                "user: u }", "user: u, password: { env: " + variable + " } }", StringComparison.Ordinal);

            var password = ConfigLoader.Parse(yaml, "/x/sluice.yaml").Connections[0].Upstream.Password!;

            Assert.Equal("env-secret", password.Reveal());
            Assert.Equal("env:" + variable, password.Origin);
        }
        finally
        {
            Environment.SetEnvironmentVariable(variable, null);
        }
    }

    [Theory]
    [InlineData("password: { value: \"in line\" }")]
    [InlineData("password: \"in line\"")]
    public void Inline_secret_in_either_form(string field)
    {
        var yaml = ConfigLoaderTests.Minimal()
            .Replace("user: u }", "user: u, " + field + " }", StringComparison.Ordinal);

        var password = ConfigLoader.Parse(yaml, "/x/sluice.yaml").Connections[0].Upstream.Password!;

        Assert.Equal("in line", password.Reveal());
        Assert.Equal("inline", password.Origin);
        Assert.DoesNotContain("in line", password.ToString(), StringComparison.Ordinal);
    }
}
