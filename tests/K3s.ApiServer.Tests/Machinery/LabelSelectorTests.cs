using System.Text.Json.Nodes;
using K3s.ApiServer.Machinery;

namespace K3s.ApiServer.Tests.Machinery;

public sealed class LabelSelectorTests
{
    private static JsonObject Labelled(string labels) => new() { ["metadata"] = new JsonObject { ["labels"] = JsonNode.Parse(labels) } };

    [Theory]
    [InlineData("a=1", """{"a":"1"}""", true)]
    [InlineData("a==1", """{"a":"2"}""", false)]
    [InlineData("a!=1", """{}""", true)]
    [InlineData("a in (1, 2),b", """{"a":"2","b":""}""", true)]
    [InlineData("a notin (1,2)", """{"a":"2"}""", false)]
    [InlineData("!a", """{"b":"1"}""", true)]
    [InlineData("", """{}""", true)]
    public void Matches_as_Kubernetes_does(string selector, string labels, bool expected) =>
        Assert.Equal(expected, LabelSelector.Parse(selector).Matches(Labelled(labels)));

    [Theory]
    [InlineData("a in 1")]
    [InlineData("a b")]
    [InlineData("a=1,,b")]
    [InlineData("=1")]
    public void A_malformed_selector_is_BadRequest(string selector)
    {
        var error = Assert.Throws<ApiException>(() => LabelSelector.Parse(selector));
        Assert.Equal(400, error.Code);
    }
}
