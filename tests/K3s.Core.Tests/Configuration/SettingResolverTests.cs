using K3s.Core.Configuration;

namespace K3s.Core.Tests.Configuration;

public sealed class SettingResolverTests
{
    private const string TokenVariable = "K3S_TOKEN";

    [Fact]
    public void String_CommandLine_BeatsEverything()
    {
        var resolver = Resolver("token: from-config\n", (TokenVariable, "from-env"));

        Assert.Equal("from-flag", resolver.String("token", "from-flag", "default", TokenVariable));
    }

    [Fact]
    public void String_ConfigFile_BeatsEnvironment()
    {
        var resolver = Resolver("token: from-config\n", (TokenVariable, "from-env"));

        Assert.Equal("from-config", resolver.String("token", null, "default", TokenVariable));
    }

    [Fact]
    public void String_Environment_BeatsDefault()
    {
        var resolver = Resolver("", (TokenVariable, "from-env"));

        Assert.Equal("from-env", resolver.String("token", null, "default", TokenVariable));
    }

    [Fact]
    public void String_EmptyEnvironmentVariable_CountsAsUnset()
    {
        var resolver = Resolver("", (TokenVariable, ""));

        Assert.Equal("default", resolver.String("token", null, "default", TokenVariable));
    }

    [Fact]
    public void String_WithoutEnvironmentVariable_IgnoresTheEnvironment()
    {
        var resolver = Resolver("", ("token", "from-env"));

        Assert.Null(resolver.String("token", null));
    }

    [Fact]
    public void String_EmptyCommandLineValue_StillWins()
    {
        var resolver = Resolver("token: from-config\n");

        Assert.Equal("", resolver.String("token", "", "default"));
    }

    [Fact]
    public void List_CommandLine_ReplacesConfigFile()
    {
        var resolver = Resolver("tls-san: [a, b]\n");

        Assert.Equal(["c"], resolver.List("tls-san", ["c"]));
    }

    [Fact]
    public void List_ConfigScalar_IsOneItem()
    {
        var resolver = Resolver("tls-san: only.example\n");

        Assert.Equal(["only.example"], resolver.List("tls-san", null));
    }

    [Fact]
    public void List_Unset_IsEmpty()
    {
        Assert.Empty(Resolver("").List("tls-san", null));
    }

    [Fact]
    public void Int32_ConfigFile_BeatsDefault_CommandLine_BeatsConfigFile()
    {
        var resolver = Resolver("https-listen-port: 7443\n");

        Assert.Equal(7443, resolver.Int32("https-listen-port", null, 6443));
        Assert.Equal(8443, resolver.Int32("https-listen-port", 8443, 6443));
        Assert.Equal(6443, Resolver("").Int32("https-listen-port", null, 6443));
    }

    [Fact]
    public void Boolean_CommandLineFalse_BeatsConfigTrue()
    {
        var resolver = Resolver("disable-agent: true\n");

        Assert.True(resolver.Boolean("disable-agent", null));
        Assert.False(resolver.Boolean("disable-agent", false));
        Assert.False(Resolver("").Boolean("disable-agent", null));
    }

    [Fact]
    public void KeysNotAskedFor_AreIgnoredEvenWhenInvalidForAnotherSubcommand()
    {
        var resolver = Resolver("server: [not, a, scalar]\nnode-name: n1\n");

        Assert.Equal("n1", resolver.String("node-name", null));
    }

    [Fact]
    public void ConfigValueOfWrongShape_FailsWhenAskedFor()
    {
        var resolver = Resolver("token: [a, b]\n");

        Assert.Throws<ConfigFileException>(() => resolver.String("token", null));
    }

    private static SettingResolver Resolver(string yaml, params (string Name, string Value)[] environment) =>
        new(ConfigFile.Parse(yaml, "/tmp/config.yaml"), environment.ToDictionary(v => v.Name, v => v.Value));
}
