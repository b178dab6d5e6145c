using System.Text.Json.Nodes;

namespace K3s.ApiServer.Tests;

/// <summary>Discovery as kubectl 1.32 reads it: aggregated first, the per-group documents otherwise.</summary>
public sealed class DiscoveryTests(ApiServerFixture server) : IClassFixture<ApiServerFixture>
{
    private async Task<(string ContentType, JsonObject Body)> GetAsync(string path, string accept)
    {
        using var http = server.Admin();
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Accept.ParseAdd(accept);
        using var response = await http.SendAsync(request);
        response.EnsureSuccessStatusCode();
        return (response.Content.Headers.ContentType!.ToString(), JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject());
    }

    private const string KubectlAccept =
        "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json";

    [Fact]
    public async Task Aggregated_discovery_lists_every_named_group_with_resources_and_subresources()
    {
        var (contentType, body) = await GetAsync("/apis", KubectlAccept);
        Assert.Equal(["application/json", "g=apidiscovery.k8s.io", "v=v2", "as=APIGroupDiscoveryList"], contentType.Split(';').Select(p => p.Trim()));
        Assert.Equal("APIGroupDiscoveryList", (string?)body["kind"]);
        var apps = body["items"]!.AsArray().Single(item => (string?)item!["metadata"]!["name"] == "apps")!;
        var deployments = apps["versions"]![0]!["resources"]!.AsArray().Single(r => (string?)r!["resource"] == "deployments")!;
        Assert.Equal("Namespaced", (string?)deployments["scope"]);
        Assert.Equal("Deployment", (string?)deployments["responseKind"]!["kind"]);
        Assert.Contains(deployments["subresources"]!.AsArray(), s => (string?)s!["subresource"] == "scale" && (string?)s["responseKind"]!["group"] == "autoscaling");
        Assert.DoesNotContain(body["items"]!.AsArray(), item => item!["metadata"]!["name"] is null);
    }

    [Fact]
    public async Task Aggregated_core_discovery_has_the_core_group_only()
    {
        var (_, body) = await GetAsync("/api", KubectlAccept);
        var core = Assert.Single(body["items"]!.AsArray())!;
        var resources = core["versions"]![0]!["resources"]!.AsArray().Select(r => (string?)r!["resource"]).ToList();
        Assert.Contains("pods", resources);
        Assert.Contains("namespaces", resources);
        Assert.DoesNotContain("deployments", resources);
    }

    [Fact]
    public async Task Plain_discovery_lists_subresources_as_resources()
    {
        var (contentType, body) = await GetAsync("/apis/apps/v1", "application/json");
        Assert.StartsWith("application/json", contentType);
        var names = body["resources"]!.AsArray().Select(r => (string?)r!["name"]).ToList();
        Assert.Contains("deployments", names);
        Assert.Contains("deployments/scale", names);
        Assert.Contains("deployments/status", names);
    }
}
