using k8s;
using k8s.Models;
using static K3s.Controllers.Tests.WorkloadTestObjects;

namespace K3s.Controllers.Tests;

public sealed class GarbageCollectorTests(ClusterFixture cluster) : IClassFixture<ClusterFixture>
{
    [Fact]
    public async Task Deleting_a_deployment_removes_its_replica_sets_and_pods()
    {
        using var client = cluster.Client();
        var ns = await NamespaceAsync(client, "gc-background");
        await using var kubelet = new PlayingKubelet(client, ns);
        await client.AppsV1.CreateNamespacedDeploymentAsync(Deployment("gone", 3, "busybox:1.36"), ns);
        await DeploymentControllerTests.WaitUntilRolledOutAsync(client, ns, "gone");

        await client.AppsV1.DeleteNamespacedDeploymentAsync("gone", ns);

        await Eventually.HoldsAsync(async () => (await ReplicaSetsAsync(client, ns)).Count == 0, "the replica set is gone");
        await Eventually.HoldsAsync(async () => (await client.CoreV1.ListNamespacedPodAsync(ns)).Items.Count == 0, "the pods are gone");
    }

    [Fact]
    public async Task Foreground_deletion_removes_the_dependents_before_the_deployment()
    {
        using var client = cluster.Client();
        var ns = await NamespaceAsync(client, "gc-foreground");
        await using var kubelet = new PlayingKubelet(client, ns);
        await client.AppsV1.CreateNamespacedDeploymentAsync(Deployment("first", 2, "busybox:1.36"), ns);
        await DeploymentControllerTests.WaitUntilRolledOutAsync(client, ns, "first");

        await client.AppsV1.DeleteNamespacedDeploymentAsync("first", ns, body: new V1DeleteOptions { PropagationPolicy = "Foreground" });

        await Eventually.HoldsAsync(async () => (await client.AppsV1.ListNamespacedDeploymentAsync(ns)).Items.Count == 0, "the deployment is gone");
        Assert.Empty(await ReplicaSetsAsync(client, ns));
        Assert.Empty((await client.CoreV1.ListNamespacedPodAsync(ns)).Items);
    }

    [Fact]
    public async Task Orphaning_leaves_the_replica_set_and_its_pods_without_the_deployment()
    {
        using var client = cluster.Client();
        var ns = await NamespaceAsync(client, "gc-orphan");
        await using var kubelet = new PlayingKubelet(client, ns);
        await client.AppsV1.CreateNamespacedDeploymentAsync(Deployment("kept", 2, "busybox:1.36"), ns);
        await DeploymentControllerTests.WaitUntilRolledOutAsync(client, ns, "kept");
        var replicaSet = Assert.Single(await ReplicaSetsAsync(client, ns));

        await client.AppsV1.DeleteNamespacedDeploymentAsync("kept", ns, body: new V1DeleteOptions { PropagationPolicy = "Orphan" });

        await Eventually.HoldsAsync(async () => (await client.AppsV1.ListNamespacedDeploymentAsync(ns)).Items.Count == 0, "the deployment is gone");
        var orphan = Assert.Single(await ReplicaSetsAsync(client, ns));
        Assert.Equal(replicaSet.Metadata.Uid, orphan.Metadata.Uid);
        Assert.True(orphan.Metadata.OwnerReferences is null or { Count: 0 });
        var pods = await PodsAsync(client, ns);
        Assert.Equal(2, pods.Count);
        Assert.All(pods, pod => Assert.True(ControlledBy(pod.Metadata, orphan)));
    }

    [Fact]
    public async Task A_pod_whose_replica_set_is_gone_is_collected()
    {
        using var client = cluster.Client();
        var ns = await NamespaceAsync(client, "gc-dangling");
        var pod = new V1Pod
        {
            Metadata = new V1ObjectMeta
            {
                Name = "left-behind",
                OwnerReferences = [new V1OwnerReference { ApiVersion = "apps/v1", Kind = "ReplicaSet", Name = "never-existed", Uid = Guid.NewGuid().ToString() }],
            },
            Spec = new V1PodSpec { Containers = [new V1Container { Name = "main", Image = "busybox:1.36" }] },
        };
        await client.CoreV1.CreateNamespacedPodAsync(pod, ns);

        await Eventually.HoldsAsync(async () => (await client.CoreV1.ListNamespacedPodAsync(ns)).Items.Count == 0, "the pod is collected");
    }
}
