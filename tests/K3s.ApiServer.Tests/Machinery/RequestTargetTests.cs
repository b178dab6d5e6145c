using K3s.ApiServer.Handlers;

namespace K3s.ApiServer.Tests.Machinery;

public sealed class RequestTargetTests
{
    [Theory]
    [InlineData(true, "v1/namespaces", "", null, "namespaces", null, null)]
    [InlineData(true, "v1/namespaces/ns1", "", null, "namespaces", "ns1", null)]
    [InlineData(true, "v1/namespaces/ns1/status", "", null, "namespaces", "ns1", "status")]
    [InlineData(true, "v1/namespaces/ns1/configmaps", "", "ns1", "configmaps", null, null)]
    [InlineData(true, "v1/namespaces/ns1/pods/p/log", "", "ns1", "pods", "p", "log")]
    [InlineData(false, "apps/v1/namespaces/ns1/deployments/d/scale", "apps", "ns1", "deployments", "d", "scale")]
    [InlineData(false, "apps/v1/deployments", "apps", null, "deployments", null, null)]
    public void Parses_the_Kubernetes_URL_grammar(bool core, string path, string group, string? ns, string resource, string? name, string? subresource)
    {
        var target = RequestTarget.Parse(core, path.Split('/'))!;
        Assert.Equal((group, ns, resource, name, subresource), (target.Group, target.Namespace, target.Resource, target.Name, target.Subresource));
    }

    [Fact]
    public void A_path_with_no_resource_is_null() => Assert.Null(RequestTarget.Parse(true, ["v1"]));
}
