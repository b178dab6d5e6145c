using k8s;
using K3s.Controllers.Addons;
using K3s.Tests;
using Microsoft.Extensions.Logging.Abstractions;

namespace K3s.Controllers.Tests;

/// <summary>The deploy controller's passes, run by the test one at a time against the in-process cluster.</summary>
public sealed class ManifestDeployerTests(ClusterFixture cluster) : IClassFixture<ClusterFixture>
{
    [Fact]
    public async Task Applies_every_manifest_merges_a_changed_one_and_leaves_out_a_skipped_one()
    {
        using var client = cluster.Client();
        using var manifests = new TemporaryDirectory();
        manifests.Write("app.yaml", """
            apiVersion: v1
            kind: Namespace
            metadata: {name: addons}
            ---
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: settings, namespace: addons}
            data: {level: "1"}
            ---
            apiVersion: v1
            kind: Service
            metadata: {name: web, namespace: addons}
            spec:
              selector: {app: web}
              ports: [{port: 80}]
            """);
        manifests.Write("skipped.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: skipped, namespace: default}\n");
        manifests.Write("skipped.yaml.skip", "");
        manifests.Write("notes.txt", "not a manifest");
        var deployer = new ManifestDeployer(client, manifests.Path, NullLoggerFactory.Instance);

        await deployer.ApplyChangedAsync(CancellationToken.None);

        Assert.Equal("1", (await client.CoreV1.ReadNamespacedConfigMapAsync("settings", "addons")).Data["level"]);
        string? clusterIp = null;
        await Eventually.HoldsAsync(async () =>
            !string.IsNullOrEmpty(clusterIp = (await client.CoreV1.ReadNamespacedServiceAsync("web", "addons")).Spec.ClusterIP), "the service has its cluster IP");
        Assert.Empty((await client.CoreV1.ListNamespacedConfigMapAsync("default", fieldSelector: "metadata.name=skipped")).Items);

        // A changed manifest is merged in: its new data lands, what the cluster filled in (the cluster IP) stays.
        manifests.Write("app.yaml", File.ReadAllText(Path.Combine(manifests.Path, "app.yaml")).Replace("level: \"1\"", "level: \"2\""));
        await deployer.ApplyChangedAsync(CancellationToken.None);

        Assert.Equal("2", (await client.CoreV1.ReadNamespacedConfigMapAsync("settings", "addons")).Data["level"]);
        Assert.Equal(clusterIp, (await client.CoreV1.ReadNamespacedServiceAsync("web", "addons")).Spec.ClusterIP);
    }

    [Fact]
    public async Task A_withdrawn_manifest_loses_the_objects_it_made_but_not_those_made_otherwise()
    {
        using var client = cluster.Client();
        const string manifest = """
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: withdrawn-made, namespace: default}
            ---
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: withdrawn-users, namespace: default}
            """;
        using (var manifests = new TemporaryDirectory())
        {
            manifests.Write("component.yaml", manifest);
            await new ManifestDeployer(client, manifests.Path, NullLoggerFactory.Instance).ApplyChangedAsync(CancellationToken.None);
        }
        // The user made the second one over again, by hand: it is theirs now.
        await client.CoreV1.DeleteNamespacedConfigMapAsync("withdrawn-users", "default");
        await client.CoreV1.CreateNamespacedConfigMapAsync(new k8s.Models.V1ConfigMap { Metadata = new k8s.Models.V1ObjectMeta { Name = "withdrawn-users" } }, "default");

        using var empty = new TemporaryDirectory();
        await new ManifestDeployer(client, empty.Path, NullLoggerFactory.Instance, withdrawn: [manifest]).ApplyChangedAsync(CancellationToken.None);

        Assert.Empty((await client.CoreV1.ListNamespacedConfigMapAsync("default", fieldSelector: "metadata.name=withdrawn-made")).Items);
        Assert.Single((await client.CoreV1.ListNamespacedConfigMapAsync("default", fieldSelector: "metadata.name=withdrawn-users")).Items);
    }

    [Fact]
    public async Task A_manifest_that_fails_does_not_stop_the_others_and_is_tried_again()
    {
        using var client = cluster.Client();
        using var manifests = new TemporaryDirectory();
        manifests.Write("a-broken.yaml", "apiVersion: example.com/v1\nkind: Gadget\nmetadata: {name: g}\n");
        manifests.Write("b-good.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: good-manifest, namespace: default}\n");
        var deployer = new ManifestDeployer(client, manifests.Path, NullLoggerFactory.Instance);

        await deployer.ApplyChangedAsync(CancellationToken.None);
        Assert.NotNull(await client.CoreV1.ReadNamespacedConfigMapAsync("good-manifest", "default"));

        // Fixed, it is applied at the next pass.
        manifests.Write("a-broken.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: fixed-manifest, namespace: default}\n");
        await deployer.ApplyChangedAsync(CancellationToken.None);
        Assert.NotNull(await client.CoreV1.ReadNamespacedConfigMapAsync("fixed-manifest", "default"));
    }
}
