using K3s.ApiServer.Machinery;

namespace K3s.ApiServer.Tests.Machinery;

public sealed class YamlToJsonTests
{
    [Fact]
    public void Plain_scalars_take_their_types_and_quoted_ones_stay_strings()
    {
        var json = YamlToJson.Convert("a: 1\nb: \"1\"\nc: true\nd: ~\ne: 1.5\nf: [x, 'y']\ng: v1.2\n")!.ToJsonString();
        Assert.Equal("""{"a":1,"b":"1","c":true,"d":null,"e":1.5,"f":["x","y"],"g":"v1.2"}""", json);
    }

    [Fact]
    public void Malformed_YAML_is_BadRequest() =>
        Assert.Equal(400, Assert.Throws<ApiException>(() => YamlToJson.Convert("a: [1, 2\nb: c")).Code);
}
