using k8s;
using k8s.Models;
using K3s.Controllers.Deployments;
using static K3s.Controllers.Tests.WorkloadTestObjects;

namespace K3s.Controllers.Tests;

public sealed class DeploymentControllerTests(ClusterFixture cluster) : IClassFixture<ClusterFixture>
{
    [Fact]
    public async Task A_deployment_of_three_gets_a_replica_set_and_three_ready_pods()
    {
        using var client = cluster.Client();
        var ns = await NamespaceAsync(client, "deploy-three");
        await using var kubelet = new PlayingKubelet(client, ns);

        var deployment = await client.AppsV1.CreateNamespacedDeploymentAsync(Deployment("web", 3, "busybox:1.36"), ns);

        V1ReplicaSet replicaSet = null!;
        await Eventually.HoldsAsync(async () =>
        {
            var owned = (await ReplicaSetsAsync(client, ns)).Where(rs => ControlledBy(rs.Metadata, deployment)).ToList();
            replicaSet = owned.FirstOrDefault()!;
            return owned.Count == 1 && replicaSet.Status?.ReadyReplicas == 3;
        }, "the deployment has one replica set with 3 ready pods");
        var hash = replicaSet.Metadata.Labels[PodTemplateHash.Label];
        Assert.Equal($"web-{hash}", replicaSet.Metadata.Name);
        Assert.Equal(hash, replicaSet.Spec.Selector.MatchLabels[PodTemplateHash.Label]);
        Assert.Equal(hash, replicaSet.Spec.Template.Metadata.Labels[PodTemplateHash.Label]);
        Assert.Equal("1", replicaSet.Metadata.Annotations[DeploymentAnnotations.Revision]);

        var pods = await PodsAsync(client, ns);
        Assert.Equal(3, pods.Count);
        Assert.All(pods, pod =>
        {
            Assert.StartsWith($"{replicaSet.Metadata.Name}-", pod.Metadata.Name);
            var owner = Assert.Single(pod.Metadata.OwnerReferences);
            Assert.Equal((replicaSet.Metadata.Uid, true, true), (owner.Uid, owner.Controller, owner.BlockOwnerDeletion));
        });

        var rollout = await Kubectl.RunAsync(cluster, "rollout", "status", "deployment/web", "-n", ns, "--timeout=60s");
        Assert.True(rollout.ExitCode == 0, rollout.Output + rollout.Error);
        Assert.Contains("successfully rolled out", rollout.Output);

        var status = (await client.AppsV1.ReadNamespacedDeploymentAsync("web", ns)).Status;
        Assert.Equal((3, 3, 3, 3), (status.Replicas, status.UpdatedReplicas, status.ReadyReplicas, status.AvailableReplicas));
        Assert.Equal("True", DeploymentConditions.Get(status, "Available")!.Status);
        Assert.Equal("NewReplicaSetAvailable", DeploymentConditions.Get(status, "Progressing")!.Reason);
    }

    [Fact]
    public async Task A_new_image_rolls_out_through_a_second_replica_set_and_scales_the_first_to_zero()
    {
        using var client = cluster.Client();
        var ns = await NamespaceAsync(client, "deploy-rolling");
        await using var kubelet = new PlayingKubelet(client, ns);
        var deployment = await client.AppsV1.CreateNamespacedDeploymentAsync(Deployment("api", 3, "busybox:1.36"), ns);
        await WaitUntilRolledOutAsync(client, ns, "api");
        var first = Assert.Single(await ReplicaSetsAsync(client, ns));

        var current = await client.AppsV1.ReadNamespacedDeploymentAsync("api", ns);
        current.Spec.Template.Spec.Containers[0].Image = "busybox:1.37";
        await client.AppsV1.ReplaceNamespacedDeploymentAsync(current, "api", ns);

        var rollout = await Kubectl.RunAsync(cluster, "rollout", "status", "deployment/api", "-n", ns, "--timeout=60s");
        Assert.True(rollout.ExitCode == 0, rollout.Output + rollout.Error);

        await Eventually.HoldsAsync(async () =>
        {
            var replicaSets = await ReplicaSetsAsync(client, ns);
            var old = replicaSets.Single(rs => rs.Metadata.Uid == first.Metadata.Uid);
            var updated = replicaSets.Where(rs => rs.Metadata.Uid != first.Metadata.Uid).ToList();
            return replicaSets.Count == 2 && old.Spec.Replicas == 0 && (old.Status?.Replicas ?? 0) == 0
                && updated.Count == 1 && updated[0].Status?.AvailableReplicas == 3;
        }, "a second replica set has 3 available pods and the first none");

        var second = (await ReplicaSetsAsync(client, ns)).Single(rs => rs.Metadata.Uid != first.Metadata.Uid);
        Assert.True(ControlledBy(second.Metadata, deployment));
        Assert.Equal("2", second.Metadata.Annotations[DeploymentAnnotations.Revision]);
        Assert.Equal("2", (await client.AppsV1.ReadNamespacedDeploymentAsync("api", ns)).Metadata.Annotations[DeploymentAnnotations.Revision]);
        await Eventually.HoldsAsync(async () =>
        {
            var pods = await PodsAsync(client, ns);
            return pods.Count == 3 && pods.All(pod => ControlledBy(pod.Metadata, second) && pod.Spec.Containers[0].Image == "busybox:1.37");
        }, "the 3 pods are the new replica set's, with the new image");
    }

    [Fact]
    public async Task A_rolling_update_never_asks_for_more_pods_than_max_surge_allows()
    {
        using var client = cluster.Client();
        var ns = await NamespaceAsync(client, "deploy-surge");
        await using var kubelet = new PlayingKubelet(client, ns);
        var manifest = Deployment("bounded", 4, "busybox:1.36");
        manifest.Spec.Strategy.RollingUpdate = new V1RollingUpdateDeployment { MaxSurge = 1, MaxUnavailable = 0 };
        await client.AppsV1.CreateNamespacedDeploymentAsync(manifest, ns);
        await WaitUntilRolledOutAsync(client, ns, "bounded");

        var current = await client.AppsV1.ReadNamespacedDeploymentAsync("bounded", ns);
        current.Spec.Template.Spec.Containers[0].Image = "busybox:1.37";
        await client.AppsV1.ReplaceNamespacedDeploymentAsync(current, "bounded", ns);

        // Sampled while the rollout runs: the replica sets together never want more than replicas + maxSurge.
        var mostWanted = 0;
        await Eventually.HoldsAsync(async () =>
        {
            var replicaSets = await ReplicaSetsAsync(client, ns);
            mostWanted = Math.Max(mostWanted, replicaSets.Sum(rs => rs.Spec.Replicas ?? 0));
            var deployment = await client.AppsV1.ReadNamespacedDeploymentAsync("bounded", ns);
            return replicaSets.Count == 2 && deployment.Status.ObservedGeneration >= deployment.Metadata.Generation
                && DeploymentConditions.Get(deployment.Status, "Progressing")?.Reason == "NewReplicaSetAvailable"
                && deployment.Status.UpdatedReplicas == 4 && deployment.Status.Replicas == 4;
        }, "the update is rolled out");
        Assert.InRange(mostWanted, 4, 5);
    }

    [Fact]
    public async Task Recreate_replaces_every_pod_at_once()
    {
        using var client = cluster.Client();
        var ns = await NamespaceAsync(client, "deploy-recreate");
        await using var kubelet = new PlayingKubelet(client, ns);
        await client.AppsV1.CreateNamespacedDeploymentAsync(Deployment("batch", 2, "busybox:1.36", strategy: "Recreate"), ns);
        await WaitUntilRolledOutAsync(client, ns, "batch");

        var current = await client.AppsV1.ReadNamespacedDeploymentAsync("batch", ns);
        current.Spec.Template.Spec.Containers[0].Image = "busybox:1.37";
        await client.AppsV1.ReplaceNamespacedDeploymentAsync(current, "batch", ns);

        await WaitUntilRolledOutAsync(client, ns, "batch");
        await Eventually.HoldsAsync(async () =>
        {
            var pods = await PodsAsync(client, ns);
            return pods.Count == 2 && pods.All(pod => pod.Spec.Containers[0].Image == "busybox:1.37");
        }, "both pods run the new image");
    }

    [Fact]
    public async Task Scaling_a_deployment_scales_its_replica_set()
    {
        using var client = cluster.Client();
        var ns = await NamespaceAsync(client, "deploy-scale");
        await using var kubelet = new PlayingKubelet(client, ns);
        await client.AppsV1.CreateNamespacedDeploymentAsync(Deployment("scaled", 2, "busybox:1.36"), ns);
        await WaitUntilRolledOutAsync(client, ns, "scaled");

        var scale = await Kubectl.RunAsync(cluster, "scale", "deployment/scaled", "-n", ns, "--replicas=5");
        Assert.True(scale.ExitCode == 0, scale.Error);
        await WaitUntilRolledOutAsync(client, ns, "scaled");
        Assert.Equal(5, (await PodsAsync(client, ns)).Count);

        await Kubectl.RunAsync(cluster, "scale", "deployment/scaled", "-n", ns, "--replicas=1");
        await Eventually.HoldsAsync(async () => (await PodsAsync(client, ns)).Count == 1, "one pod is left");
        Assert.Equal(1, Assert.Single(await ReplicaSetsAsync(client, ns)).Spec.Replicas);
    }

    /// <summary>Complete as kubectl rollout status reads it: the spec observed, all replicas updated and available.</summary>
    internal static async Task WaitUntilRolledOutAsync(Kubernetes client, string ns, string name) =>
        await Eventually.HoldsAsync(async () =>
        {
            var deployment = await client.AppsV1.ReadNamespacedDeploymentAsync(name, ns);
            var status = deployment.Status;
            return status is not null && status.ObservedGeneration >= deployment.Metadata.Generation
                && status.UpdatedReplicas == deployment.Spec.Replicas && status.Replicas == status.UpdatedReplicas
                && status.AvailableReplicas == status.UpdatedReplicas
                && DeploymentConditions.Get(status, "Progressing")?.Reason == "NewReplicaSetAvailable";
        }, $"deployment {name} is rolled out");
}
