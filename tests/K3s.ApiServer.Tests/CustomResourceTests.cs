using System.Net;
using System.Text.Json;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace K3s.ApiServer.Tests;

/// <summary>A CustomResourceDefinition makes its kind served at once; its objects are stored, listed, printed and cleaned up with it.</summary>
public sealed class CustomResourceTests(ApiServerFixture server) : IClassFixture<ApiServerFixture>
{
    private static V1CustomResourceDefinition Crontabs(string group) => new()
    {
        Metadata = new V1ObjectMeta { Name = "crontabs." + group },
        Spec = new V1CustomResourceDefinitionSpec
        {
            Group = group,
            Scope = "Namespaced",
            Names = new V1CustomResourceDefinitionNames { Plural = "crontabs", Singular = "crontab", Kind = "CronTab", ShortNames = ["ct"] },
            Versions =
            [
                new V1CustomResourceDefinitionVersion
                {
                    Name = "v1",
                    Served = true,
                    Storage = true,
                    Schema = new V1CustomResourceValidation
                    {
                        OpenAPIV3Schema = new V1JSONSchemaProps { Type = "object", XKubernetesPreserveUnknownFields = true },
                    },
                    AdditionalPrinterColumns = [new V1CustomResourceColumnDefinition { Name = "Spec", Type = "string", JsonPath = ".spec.cronSpec" }],
                    Subresources = new V1CustomResourceSubresources { Status = new object() },
                },
            ],
        },
    };

    [Fact]
    public async Task A_custom_resource_is_served_listed_printed_and_deleted()
    {
        using var client = server.Client();
        var group = "stable.example.com";
        var ns = Namespaces.Fresh();
        await client.CoreV1.CreateNamespaceAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = ns } });
        var crd = await client.ApiextensionsV1.CreateCustomResourceDefinitionAsync(Crontabs(group));
        Assert.Contains(crd.Status.Conditions, c => c.Type == "Established" && c.Status == "True");

        var body = new Dictionary<string, object>
        {
            ["apiVersion"] = group + "/v1",
            ["kind"] = "CronTab",
            ["metadata"] = new Dictionary<string, object> { ["name"] = "every-minute" },
            ["spec"] = new Dictionary<string, object> { ["cronSpec"] = "* * * * */1", ["image"] = "my-cron" },
        };
        await client.CustomObjects.CreateNamespacedCustomObjectAsync(body, group, "v1", ns, "crontabs");

        var (code, output, error) = await KubectlRunner.RunAsync(server, "get", "ct", "-n", ns);
        Assert.True(code == 0, error);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(["NAME", "SPEC"], lines[0].Split(' ', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal(["every-minute", "*", "*", "*", "*", "*/1"], lines[1].Split(' ', StringSplitOptions.RemoveEmptyEntries));

        (code, output, error) = await KubectlRunner.RunAsync(server, "delete", "crontab", "every-minute", "-n", ns);
        Assert.True(code == 0, error);
        var list = (JsonElement)await client.CustomObjects.ListNamespacedCustomObjectAsync(group, "v1", ns, "crontabs");
        Assert.Equal(0, list.GetProperty("items").GetArrayLength());
    }

    [Fact]
    public async Task Deleting_the_definition_deletes_its_objects_and_stops_serving_them()
    {
        using var client = server.Client();
        var group = "cleanup.example.com";
        await client.ApiextensionsV1.CreateCustomResourceDefinitionAsync(Crontabs(group));
        var body = new Dictionary<string, object>
        {
            ["apiVersion"] = group + "/v1",
            ["kind"] = "CronTab",
            ["metadata"] = new Dictionary<string, object> { ["name"] = "c1" },
        };
        await client.CustomObjects.CreateNamespacedCustomObjectAsync(body, group, "v1", "default", "crontabs");

        await client.ApiextensionsV1.DeleteCustomResourceDefinitionAsync("crontabs." + group);
        for (var attempt = 0; attempt < 100; attempt++)
        {
            var remaining = await client.ApiextensionsV1.ListCustomResourceDefinitionAsync(fieldSelector: "metadata.name=crontabs." + group);
            if (remaining.Items.Count == 0)
                break;
            await Task.Delay(100);
        }
        Assert.Empty((await client.ApiextensionsV1.ListCustomResourceDefinitionAsync(fieldSelector: "metadata.name=crontabs." + group)).Items);
        var error = await Assert.ThrowsAsync<HttpOperationException>(() => client.CustomObjects.ListNamespacedCustomObjectAsync(group, "v1", "default", "crontabs"));
        Assert.Equal(HttpStatusCode.NotFound, error.Response.StatusCode);
        Assert.Empty((await server.Datastore.RangeAsync(new K3s.Core.Etcd.RangeRequest
        {
            Key = Google.Protobuf.ByteString.CopyFromUtf8($"/registry/{group}/"),
            RangeEnd = Google.Protobuf.ByteString.CopyFromUtf8($"/registry/{group}0"),
        }, default)).Kvs);
    }
}
