using K3s.Core.Configuration;

namespace K3s.Core.Tests.Configuration;

public sealed class ConfigValueTests
{
    private const string Source = "/tmp/config.yaml";

    [Fact]
    public void AsString_OfList_NamesKeyAndLine()
    {
        var value = new ConfigValue(Source, "token", 4, ["a", "b"], IsList: true);

        var error = Assert.Throws<ConfigFileException>(() => value.AsString());

        Assert.Equal($"config file \"{Source}\", line 4: \"token\" takes a single value, not a list", error.Message);
    }

    [Fact]
    public void AsInt32_ParsesDigits()
    {
        Assert.Equal(7443, Scalar("https-listen-port", "7443").AsInt32());
    }

    [Fact]
    public void AsInt32_OfText_NamesKeyAndValue()
    {
        var error = Assert.Throws<ConfigFileException>(() => Scalar("https-listen-port", "https").AsInt32());

        Assert.Contains("\"https-listen-port\" expects an integer, got \"https\"", error.Message);
        Assert.Equal(1, error.Line);
    }

    [Theory]
    [InlineData("true", true)]
    [InlineData("True", true)]
    [InlineData("false", false)]
    public void AsBoolean_AcceptsYamlBooleans(string text, bool expected)
    {
        Assert.Equal(expected, Scalar("disable-agent", text).AsBoolean());
    }

    [Fact]
    public void AsBoolean_OfOtherText_IsAnError()
    {
        var error = Assert.Throws<ConfigFileException>(() => Scalar("disable-agent", "maybe").AsBoolean());

        Assert.Contains("expects true or false", error.Message);
    }

    private static ConfigValue Scalar(string key, string text) => new(Source, key, 1, [text], IsList: false);
}
