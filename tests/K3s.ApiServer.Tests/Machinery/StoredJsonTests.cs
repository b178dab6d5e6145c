using System.Text;
using System.Text.Json.Nodes;
using K3s.ApiServer.Storage;

namespace K3s.ApiServer.Tests.Machinery;

public sealed class StoredJsonTests
{
    private static JsonNode With(string json, long revision) =>
        JsonNode.Parse(StoredJson.WithResourceVersion(Encoding.UTF8.GetBytes(json), revision))!;

    [Theory]
    [InlineData("""{"kind":"ConfigMap","metadata":{"name":"a"},"data":{"x":"1"}}""")]
    [InlineData("""{"spec":{"template":{"metadata":{"labels":{"a":"b"}}}},"metadata":{"name":"a"}}""")]
    [InlineData("""{"data":{"metadata":"not this one"},"metadata":{"name":"a"}}""")]
    public void The_version_goes_into_the_top_level_metadata(string json)
    {
        var item = With(json, 42);
        Assert.Equal("42", (string?)item["metadata"]!["resourceVersion"]);
        Assert.Equal("a", (string?)item["metadata"]!["name"]);
        // Everything else is as stored.
        var expected = JsonNode.Parse(json)!.AsObject();
        expected["metadata"]!["resourceVersion"] = "42";
        Assert.True(JsonNode.DeepEquals(expected, item));
    }

    [Theory]
    [InlineData("""{"metadata":{}}""")]
    [InlineData("""{"kind":"X"}""")]
    [InlineData("""{}""")]
    public void Empty_or_missing_metadata_gets_just_the_version(string json) =>
        Assert.Equal("7", (string?)With(json, 7)["metadata"]!["resourceVersion"]);
}
