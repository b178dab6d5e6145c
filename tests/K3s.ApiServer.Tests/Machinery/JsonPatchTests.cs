using System.Text.Json.Nodes;
using K3s.ApiServer.Machinery;
using K3s.ApiServer.Patching;

namespace K3s.ApiServer.Tests.Machinery;

public sealed class JsonPatchTests
{
    private static string Apply(string document, string patch) => JsonPatch.Apply(JsonNode.Parse(document)!, JsonNode.Parse(patch)).ToJsonString();

    [Theory]
    [InlineData("""{"a":[1,2]}""", """[{"op":"add","path":"/a/1","value":9}]""", """{"a":[1,9,2]}""")]
    [InlineData("""{"a":[1,2]}""", """[{"op":"add","path":"/a/-","value":3}]""", """{"a":[1,2,3]}""")]
    [InlineData("""{"a":{"b":1}}""", """[{"op":"remove","path":"/a/b"}]""", """{"a":{}}""")]
    [InlineData("""{"a":1}""", """[{"op":"replace","path":"/a","value":2}]""", """{"a":2}""")]
    [InlineData("""{"a":1}""", """[{"op":"move","from":"/a","path":"/b"}]""", """{"b":1}""")]
    [InlineData("""{"a":{"x":1}}""", """[{"op":"copy","from":"/a","path":"/b"}]""", """{"a":{"x":1},"b":{"x":1}}""")]
    [InlineData("""{"a/b":1,"c~d":2}""", """[{"op":"remove","path":"/a~1b"},{"op":"replace","path":"/c~0d","value":3}]""", """{"c~d":3}""")]
    public void Applies_each_operation(string document, string patch, string expected) => Assert.Equal(expected, Apply(document, patch));

    [Theory]
    [InlineData("""{"a":1}""", """[{"op":"test","path":"/a","value":2}]""")]
    [InlineData("""{"a":1}""", """[{"op":"remove","path":"/b"}]""")]
    [InlineData("""{"a":1}""", """[{"op":"jump","path":"/a"}]""")]
    [InlineData("""{"a":1}""", """{"op":"add"}""")]
    public void A_patch_that_cannot_apply_is_refused(string document, string patch) =>
        Assert.InRange(Assert.ThrowsAny<ApiException>(() => Apply(document, patch)).Code, 400, 499);

    [Fact]
    public void The_document_itself_is_not_changed()
    {
        var document = JsonNode.Parse("""{"a":1}""")!;
        JsonPatch.Apply(document, JsonNode.Parse("""[{"op":"replace","path":"/a","value":2}]"""));
        Assert.Equal("""{"a":1}""", document.ToJsonString());
    }
}
