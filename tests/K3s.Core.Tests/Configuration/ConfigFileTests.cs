using K3s.Core.Configuration;

namespace K3s.Core.Tests.Configuration;

public sealed class ConfigFileTests : IDisposable
{
    private const string Source = "/etc/rancher/k3s/config.yaml";
    private readonly TemporaryDirectory directory = new();

    public void Dispose() => directory.Dispose();

    [Fact]
    public void Parse_ScalarValue_IsOneItemThatIsNotAList()
    {
        var file = ConfigFile.Parse("token: secret\n", Source);

        Assert.True(file.TryGetValue("token", out var value));
        Assert.Equal(("token", 1, Source), (value.Key, value.Line, value.FilePath));
        Assert.Equal(["secret"], value.Items);
        Assert.False(value.IsList);
    }

    [Fact]
    public void Parse_BlockAndFlowLists_KeepTheirItemsInOrder()
    {
        var file = ConfigFile.Parse("tls-san:\n  - one.example\n  - 10.0.0.1\nnode-label: [a=b, c=d]\n", Source);

        Assert.True(file.TryGetValue("tls-san", out var sans));
        Assert.True(sans.IsList);
        Assert.Equal(["one.example", "10.0.0.1"], sans.Items);
        Assert.True(file.TryGetValue("node-label", out var labels));
        Assert.Equal(["a=b", "c=d"], labels.Items);
    }

    [Fact]
    public void Parse_RecordsTheLineOfEachKey()
    {
        var file = ConfigFile.Parse("# comment\ndata-dir: /srv/k3s\n\nhttps-listen-port: 7443\n", Source);

        Assert.True(file.TryGetValue("data-dir", out var dataDir));
        Assert.Equal(2, dataDir.Line);
        Assert.True(file.TryGetValue("https-listen-port", out var port));
        Assert.Equal(4, port.Line);
    }

    [Theory]
    [InlineData("token:\n")]
    [InlineData("token: ~\n")]
    [InlineData("token: null\n")]
    public void Parse_NullValue_LeavesTheKeyUnset(string yaml)
    {
        var file = ConfigFile.Parse(yaml, Source);

        Assert.False(file.TryGetValue("token", out _));
    }

    [Fact]
    public void Parse_QuotedEmptyString_IsAValue()
    {
        var file = ConfigFile.Parse("token: ''\n", Source);

        Assert.True(file.TryGetValue("token", out var value));
        Assert.Equal([""], value.Items);
    }

    [Theory]
    [InlineData("")]
    [InlineData("# nothing configured yet\n")]
    public void Parse_EmptyDocument_HasNoValues(string yaml)
    {
        var file = ConfigFile.Parse(yaml, Source);

        Assert.False(file.TryGetValue("token", out _));
    }

    [Fact]
    public void Parse_MalformedYaml_NamesFileAndLine()
    {
        var error = Assert.Throws<ConfigFileException>(() => ConfigFile.Parse("token: a\ntls-san: [one\n", Source));

        Assert.Equal(Source, error.FilePath);
        Assert.Equal(3, error.Line);
        Assert.StartsWith($"config file \"{Source}\", line 3: invalid YAML: ", error.Message);
    }

    [Fact]
    public void Parse_DuplicateKey_IsMalformed()
    {
        var error = Assert.Throws<ConfigFileException>(() => ConfigFile.Parse("token: a\ntoken: b\n", Source));

        Assert.Equal(2, error.Line);
    }

    [Fact]
    public void Parse_TopLevelList_IsRejected()
    {
        var error = Assert.Throws<ConfigFileException>(() => ConfigFile.Parse("- token\n", Source));

        Assert.Contains("expected a mapping", error.Message);
    }

    [Fact]
    public void Parse_NestedMappingValue_NamesKeyAndLine()
    {
        var error = Assert.Throws<ConfigFileException>(() => ConfigFile.Parse("token: a\nkubelet:\n  x: y\n", Source));

        Assert.Equal(3, error.Line);
        Assert.Contains("\"kubelet\"", error.Message);
    }

    [Fact]
    public void Parse_ListOfLists_NamesKeyAndLine()
    {
        var error = Assert.Throws<ConfigFileException>(() => ConfigFile.Parse("tls-san:\n  - [a, b]\n", Source));

        Assert.Equal(2, error.Line);
        Assert.Contains("\"tls-san\"", error.Message);
    }

    [Fact]
    public void Load_ReadsTheFile()
    {
        var path = directory.Write("config.yaml", "node-name: worker-1\n");

        var file = ConfigFile.Load(path);

        Assert.Equal(path, file.Path);
        Assert.True(file.TryGetValue("node-name", out var value));
        Assert.Equal(path, value.FilePath);
        Assert.Equal("worker-1", value.AsString());
    }

    [Fact]
    public void Load_MissingFile_NamesTheFile()
    {
        var path = Path.Combine(directory.Path, "absent.yaml");

        var error = Assert.Throws<ConfigFileException>(() => ConfigFile.Load(path));

        Assert.Equal($"config file \"{path}\": file not found", error.Message);
        Assert.Null(error.Line);
    }

    [Fact]
    public void LoadIfExists_MissingFile_IsEmpty()
    {
        var path = Path.Combine(directory.Path, "absent.yaml");

        var file = ConfigFile.LoadIfExists(path);

        Assert.Equal(path, file.Path);
        Assert.False(file.TryGetValue("token", out _));
    }

    [Fact]
    public void LoadIfExists_MalformedFile_StillFails()
    {
        var path = directory.Write("config.yaml", "token: [\n");

        var error = Assert.Throws<ConfigFileException>(() => ConfigFile.LoadIfExists(path));

        Assert.Equal(path, error.FilePath);
    }
}
