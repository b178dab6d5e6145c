using System.Net;
using System.Text.Json.Nodes;
using k8s;

namespace K3s.ApiServer.Tests;

/// <summary>The server as a whole: TLS, who may ask what, health, version and discovery.</summary>
public sealed class ServingTests(ApiServerFixture server) : IClassFixture<ApiServerFixture>
{
    [Fact]
    public async Task Version_answers_the_client_from_the_kubeconfig()
    {
        var version = await server.Client().Version.GetCodeAsync();
        Assert.Equal("1", version.Major);
        Assert.StartsWith("v1.", version.GitVersion);
    }

    [Theory]
    [InlineData("/healthz")]
    [InlineData("/livez")]
    [InlineData("/readyz")]
    public async Task Health_checks_answer_without_credentials(string path)
    {
        using var client = server.Anonymous();
        Assert.Equal("ok", await client.GetStringAsync(path));
        var verbose = await client.GetStringAsync(path + "?verbose");
        Assert.Contains("[+]etcd ok", verbose);
        Assert.Contains("check passed", verbose);
    }

    [Fact]
    public async Task A_request_without_credentials_gets_401_as_a_Status()
    {
        using var client = server.Anonymous();
        using var response = await client.GetAsync("/api/v1/namespaces");
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        var status = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal("Status", (string?)status["kind"]);
        Assert.Equal("Unauthorized", (string?)status["reason"]);
        Assert.Equal(401, (int?)status["code"]);
    }

    [Fact]
    public async Task An_unknown_bearer_token_is_not_a_credential()
    {
        using var client = server.Anonymous();
        client.DefaultRequestHeaders.Authorization = new("Bearer", "not-a-token");
        using var response = await client.GetAsync("/api/v1/namespaces");
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Discovery_lists_the_served_resources_with_their_verbs()
    {
        var resources = await server.Client().CoreV1.GetAPIResourcesAsync();
        Assert.Equal("v1", resources.GroupVersion);
        var configMaps = Assert.Single(resources.Resources, r => r.Name == "configmaps");
        Assert.True(configMaps.Namespaced);
        Assert.Equal("ConfigMap", configMaps.Kind);
        Assert.Contains("watch", configMaps.Verbs);
        Assert.Contains("cm", configMaps.ShortNames);
        Assert.False(Assert.Single(resources.Resources, r => r.Name == "namespaces").Namespaced);
    }

    [Fact]
    public async Task The_system_namespaces_exist_from_the_start_and_are_active()
    {
        var namespaces = await server.Client().CoreV1.ListNamespaceAsync();
        foreach (var name in new[] { "default", "kube-system", "kube-public", "kube-node-lease" })
        {
            var found = Assert.Single(namespaces.Items, n => n.Metadata.Name == name);
            Assert.Equal("Active", found.Status.Phase);
            Assert.Equal(name, found.Metadata.Labels["kubernetes.io/metadata.name"]);
            Assert.Contains("kubernetes", found.Spec.Finalizers);
        }
    }

    [Fact]
    public async Task An_unknown_path_is_a_404_Status()
    {
        var error = await Assert.ThrowsAsync<k8s.Autorest.HttpOperationException>(() =>
            server.Client().CustomObjects.ListClusterCustomObjectAsync("example.com", "v1", "widgets"));
        Assert.Equal(HttpStatusCode.NotFound, error.Response.StatusCode);
        Assert.Contains("\"reason\":\"NotFound\"", error.Response.Content);
    }
}
