using System.Net;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace K3s.Controllers.Tests;

public sealed class NamespaceControllerTests(ClusterFixture cluster) : IClassFixture<ClusterFixture>
{
    [Fact]
    public async Task Deleting_a_namespace_deletes_it_and_everything_in_it()
    {
        using var client = cluster.Client();
        const string name = "doomed";
        await client.CoreV1.CreateNamespaceAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = name } });
        for (var i = 0; i < 3; i++)
        {
            await client.CoreV1.CreateNamespacedConfigMapAsync(
                new V1ConfigMap { Metadata = new V1ObjectMeta { Name = $"config-{i}" }, Data = new Dictionary<string, string> { ["k"] = "v" } }, name);
            await client.CoreV1.CreateNamespacedSecretAsync(
                new V1Secret { Metadata = new V1ObjectMeta { Name = $"secret-{i}" }, StringData = new Dictionary<string, string> { ["k"] = "v" } }, name);
        }

        await client.CoreV1.DeleteNamespaceAsync(name);

        await Eventually.HoldsAsync(async () => !await ExistsAsync(client, name), "the namespace is gone");
        await Eventually.HoldsAsync(async () =>
            (await client.CoreV1.ListNamespacedConfigMapAsync(name)).Items.Count == 0
            && (await client.CoreV1.ListNamespacedSecretAsync(name)).Items.Count == 0, "its configmaps and secrets are gone");
    }

    [Fact]
    public async Task Other_namespaces_keep_their_content()
    {
        using var client = cluster.Client();
        await client.CoreV1.CreateNamespaceAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = "kept" } });
        await client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "stays" } }, "kept");
        await client.CoreV1.CreateNamespaceAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = "dropped" } });
        await client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "goes" } }, "dropped");

        await client.CoreV1.DeleteNamespaceAsync("dropped");

        await Eventually.HoldsAsync(async () => (await client.CoreV1.ListNamespacedConfigMapAsync("dropped")).Items.Count == 0, "the dropped namespace is empty");
        // kube-root-ca.crt is the root CA publisher's, in every namespace.
        var kept = (await client.CoreV1.ListNamespacedConfigMapAsync("kept")).Items.Where(item => item.Metadata.Name != "kube-root-ca.crt");
        Assert.Equal("stays", Assert.Single(kept).Metadata.Name);
        Assert.True(await ExistsAsync(client, "kept"));
    }

    private static async Task<bool> ExistsAsync(Kubernetes client, string name)
    {
        try
        {
            await client.CoreV1.ReadNamespaceAsync(name);
            return true;
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.NotFound)
        {
            return false;
        }
    }
}
