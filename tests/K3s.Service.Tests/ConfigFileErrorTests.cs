namespace K3s.Service.Tests;

public sealed class ConfigFileErrorTests : IDisposable
{
    private readonly TemporaryDirectory directory = new();

    public void Dispose() => directory.Dispose();

    [Fact]
    public void ExplicitConfigFile_Missing_NamesTheFile_ExitsOne()
    {
        var missing = Path.Combine(directory.Path, "absent.yaml");

        var run = CliRun.Of(["server", "--config", missing]);

        Assert.Equal(1, run.ExitCode);
        Assert.Equal($"k3sps server: config file \"{missing}\": file not found", run.Stderr.TrimEnd());
        Assert.Equal("", run.Stdout);
    }

    [Fact]
    public void MalformedYaml_NamesFileAndLine_ExitsOne()
    {
        var config = directory.Write("config.yaml", "token: a\ntls-san: [one\n");

        var run = CliRun.Of(["agent", "-c", config]);

        Assert.Equal(1, run.ExitCode);
        Assert.StartsWith($"k3sps agent: config file \"{config}\", line 3: invalid YAML:", run.Stderr);
        Assert.DoesNotContain("not implemented", run.Stderr);
    }

    [Fact]
    public void ValueOfWrongType_NamesKeyAndLine_ExitsOne()
    {
        var config = directory.Write("config.yaml", "data-dir: /srv\nhttps-listen-port: https\n");

        var run = CliRun.Of(["server", "-c", config]);

        Assert.Equal(1, run.ExitCode);
        Assert.Equal(
            $"k3sps server: config file \"{config}\", line 2: \"https-listen-port\" expects an integer, got \"https\"",
            run.Stderr.TrimEnd());
    }

    [Fact]
    public void ListForSingleValueFlag_IsAnError()
    {
        var config = directory.Write("config.yaml", "datastore-endpoint: [a, b]\n");

        var run = CliRun.Of(["server", "-c", config]);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("\"datastore-endpoint\" takes a single value, not a list", run.Stderr);
    }
}
