using K3s.Core.Serialization;

namespace K3s.Core.Tests.Serialization;

public sealed class YamlToJsonTests
{
    [Fact]
    public void Plain_scalars_take_their_types_and_quoted_ones_stay_strings()
    {
        var json = YamlToJson.Convert("a: 1\nb: \"1\"\nc: true\nd: ~\ne: 1.5\nf: [x, 'y']\ng: v1.2\n")!.ToJsonString();
        Assert.Equal("""{"a":1,"b":"1","c":true,"d":null,"e":1.5,"f":["x","y"],"g":"v1.2"}""", json);
    }

    [Fact]
    public void A_stream_gives_every_document()
    {
        var documents = YamlToJson.ConvertAll("kind: A\n---\nkind: B\n---\n");
        Assert.Equal(["A", "B"], documents.Take(2).Select(document => (string?)document?["kind"]));
    }

    [Fact]
    public void Malformed_YAML_is_a_FormatException_in_upstreams_words()
    {
        Assert.StartsWith("error converting YAML to JSON: ", Assert.Throws<FormatException>(() => YamlToJson.Convert("a: [1, 2\nb: c")).Message);
        Assert.Contains("line 1", Assert.Throws<FormatException>(() => YamlToJson.Convert("a: 'unclosed")).Message);
    }
}
