using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using k8s;
using k8s.Models;

namespace K3s.ApiServer.Tests.OpenApi;

/// <summary>kubectl 1.32's OpenAPI uses against the server: explain, create -f and apply -f.</summary>
public sealed class KubectlOpenApiTests(ApiServerFixture server) : IClassFixture<ApiServerFixture>
{
    private Task<(int ExitCode, string Output, string Error)> KubectlAsync(params string[] arguments) => KubectlRunner.RunAsync(server, arguments);

    private static Task<string> FreshNamespaceAsync(Kubernetes client) => Namespaces.CreateAsync(client);

    private string WriteManifest(string yaml) => KubectlRunner.WriteManifest(server, yaml);

    private static string ConfigMapYaml(string ns, string name, string color) => $"""
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: {name}
          namespace: {ns}
        data:
          color: {color}
        """;

    [Fact]
    public async Task Explain_configmap_data_prints_the_field_description()
    {
        var (code, output, error) = await KubectlAsync("explain", "configmap.data");
        Assert.True(code == 0, error);
        Assert.Contains("KIND:       ConfigMap", output);
        Assert.Contains("FIELD: data <map[string]string>", output);
        Assert.Contains("Data contains the configuration data.", output);
    }

    [Fact]
    public async Task Explain_namespace_spec_lists_finalizers()
    {
        var (code, output, error) = await KubectlAsync("explain", "namespace.spec");
        Assert.True(code == 0, error);
        Assert.Contains("NamespaceSpec describes the attributes on a Namespace.", output);
        Assert.Contains("finalizers", output);
    }

    [Fact]
    public async Task Create_from_a_file_validates_on_the_server_and_creates()
    {
        using var client = server.Client();
        var ns = await FreshNamespaceAsync(client);
        var (code, output, error) = await KubectlAsync("create", "-f", WriteManifest(ConfigMapYaml(ns, "from-file", "blue")));
        Assert.True(code == 0, error);
        Assert.DoesNotContain("failed to download openapi", error);
        Assert.Equal("configmap/from-file created", output.Trim());
        Assert.Equal("blue", (await client.CoreV1.ReadNamespacedConfigMapAsync("from-file", ns)).Data["color"]);
    }

    [Fact]
    public async Task Apply_creates_then_updates_a_changed_value()
    {
        using var client = server.Client();
        var ns = await FreshNamespaceAsync(client);
        var first = await KubectlAsync("apply", "-f", WriteManifest(ConfigMapYaml(ns, "applied", "blue")));
        Assert.True(first.ExitCode == 0, first.Error);
        Assert.Equal("configmap/applied created", first.Output.Trim());

        var second = await KubectlAsync("apply", "-f", WriteManifest(ConfigMapYaml(ns, "applied", "green")));
        Assert.True(second.ExitCode == 0, second.Error);
        Assert.Equal("configmap/applied configured", second.Output.Trim());
        Assert.DoesNotContain("warning", second.Error, StringComparison.OrdinalIgnoreCase);
        Assert.Equal("green", (await client.CoreV1.ReadNamespacedConfigMapAsync("applied", ns)).Data["color"]);
    }

    [Fact]
    public async Task The_v3_index_points_at_the_served_group_versions()
    {
        using var http = server.Admin();
        var index = JsonNode.Parse(await http.GetStringAsync("/openapi/v3"))!["paths"]!.AsObject();
        var url = (string)index["api/v1"]!["serverRelativeURL"]!;
        Assert.StartsWith("/openapi/v3/api/v1?hash=", url);
        var document = JsonNode.Parse(await http.GetStringAsync(url))!;
        Assert.NotNull(document["components"]!["schemas"]!["io.k8s.api.core.v1.ConfigMap"]);
    }

    [Fact]
    public async Task Protobuf_only_is_not_acceptable_and_anonymous_is_unauthorized()
    {
        using var http = server.Admin();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/openapi/v2");
        request.Headers.TryAddWithoutValidation("Accept", "application/com.github.proto-openapi.spec.v2@v1.0+protobuf");
        using var refused = await http.SendAsync(request);
        Assert.Equal(HttpStatusCode.NotAcceptable, refused.StatusCode);
        Assert.Equal("NotAcceptable", (string?)JsonNode.Parse(await refused.Content.ReadAsStringAsync())!["reason"]);
        Assert.Equal("2.0", (string?)JsonNode.Parse(await http.GetStringAsync("/openapi/v2"))!["swagger"]);

        using var anonymous = server.Anonymous();
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/openapi/v3")).StatusCode);
    }
}
