using k8s;
using k8s.Models;
using static K3s.Controllers.Tests.SetTestObjects;
using static K3s.Controllers.Tests.TestObjects;
using static K3s.Controllers.Tests.WorkloadTestObjects;

namespace K3s.Controllers.Tests;

/// <summary>The statefulset controller against a live API server; each test in its own namespace.</summary>
public sealed class StatefulSetControllerTests(ClusterFixture cluster) : IClassFixture<ClusterFixture>
{
    [Fact]
    public async Task Ordered_pods_come_one_at_a_time_with_their_claims_roll_from_the_top_and_scale_down_from_the_top()
    {
        using var client = cluster.Client();
        var ns = await NamespaceAsync(client, "sts-ordered");
        var set = await client.AppsV1.CreateNamespacedStatefulSetAsync(StatefulSet("web", 3, "busybox:1.36", "nginx", "www"), ns);

        // web-0 comes first, and web-1 not before web-0 is Ready.
        await WaitForStatusAsync(client, ns, "web", set => set.Status.Replicas == 1);
        Assert.Equal(["web-0"], await PodNamesAsync(client, ns));
        await ReportRunningAsync(client, ns, "web-0", "10.42.0.10", ready: true);
        await WaitForStatusAsync(client, ns, "web", set => set.Status.Replicas == 2 && set.Status.ReadyReplicas == 1);
        Assert.Equal(["web-0", "web-1"], await PodNamesAsync(client, ns));
        await using (new PlayingKubelet(client, ns))
        {
            await WaitForStatusAsync(client, ns, "web", set => set.Status.ReadyReplicas == 3);
        }
        Assert.Equal(["web-0", "web-1", "web-2"], await PodNamesAsync(client, ns));

        var created = (await client.AppsV1.ReadNamespacedStatefulSetAsync("web", ns)).Status;
        Assert.Equal((3, 3, 3), (created.CurrentReplicas, created.UpdatedReplicas, created.AvailableReplicas));
        Assert.Equal(created.CurrentRevision, created.UpdateRevision);
        var revision = Assert.Single((await client.AppsV1.ListNamespacedControllerRevisionAsync(ns)).Items);
        Assert.Equal(created.UpdateRevision, revision.Metadata.Name);
        Assert.True(ControlledBy(revision.Metadata, set));
        foreach (var (pod, ordinal) in (await PodsAsync(client, ns)).OrderBy(pod => pod.Metadata.Name).Select((pod, ordinal) => (pod, ordinal)))
        {
            Assert.Equal(($"web-{ordinal}", "nginx"), (pod.Spec.Hostname, pod.Spec.Subdomain));
            Assert.Equal(pod.Metadata.Name, pod.Metadata.Labels["statefulset.kubernetes.io/pod-name"]);
            Assert.Equal($"{ordinal}", pod.Metadata.Labels["apps.kubernetes.io/pod-index"]);
            Assert.Equal(revision.Metadata.Name, pod.Metadata.Labels["controller-revision-hash"]);
            Assert.True(ControlledBy(pod.Metadata, set));
            var volume = Assert.Single(pod.Spec.Volumes, v => v.Name == "www");
            Assert.Equal($"www-web-{ordinal}", volume.PersistentVolumeClaim.ClaimName);
        }
        Assert.Equal(["www-web-0", "www-web-1", "www-web-2"], await ClaimNamesAsync(client, ns));
        Assert.Equal("web", (await client.CoreV1.ReadNamespacedPersistentVolumeClaimAsync("www-web-0", ns)).Metadata.Labels["app"]);
        Assert.Contains(await EventsAboutAsync(client, ns, "web", "SuccessfulCreate"), e => e.Message == "create Pod web-0 in StatefulSet web successful");
        Assert.Contains(await EventsAboutAsync(client, ns, "web", "SuccessfulCreate"), e => e.Message == "create Claim www-web-0 Pod web-0 in StatefulSet web success");

        // A new image rolls from the highest ordinal down: a pod is never updated before those above it.
        await using (new PlayingKubelet(client, ns))
        {
            await client.AppsV1.PatchNamespacedStatefulSetAsync(MergePatch("""{"spec":{"template":{"spec":{"containers":[{"name":"main","image":"busybox:1.37"}]}}}}"""), "web", ns);
            await Eventually.HoldsAsync(async () =>
            {
                var images = (await PodsAsync(client, ns)).ToDictionary(pod => pod.Metadata.Name, pod => pod.Spec.Containers[0].Image);
                for (var ordinal = 0; ordinal < 2; ordinal++)
                {
                    if (images.GetValueOrDefault($"web-{ordinal}") == "busybox:1.37")
                        Assert.All(Enumerable.Range(ordinal + 1, 2 - ordinal), above => Assert.Equal("busybox:1.37", images.GetValueOrDefault($"web-{above}")));
                }
                return images.Count == 3 && images.Values.All(image => image == "busybox:1.37");
            }, "every pod runs the new image");
            await WaitForStatusAsync(client, ns, "web", set => set.Status.UpdatedReplicas == 3 && set.Status.ReadyReplicas == 3
                && set.Status.CurrentRevision == set.Status.UpdateRevision && set.Status.UpdateRevision != created.UpdateRevision);
        }
        Assert.Equal(2, (await client.AppsV1.ListNamespacedControllerRevisionAsync(ns)).Items.Count);
        var rollout = await Kubectl.RunAsync(cluster, "rollout", "status", "statefulset/web", "-n", ns, "--timeout=60s");
        Assert.True(rollout.ExitCode == 0, rollout.Output + rollout.Error);
        // The API defaults partition to 0, so kubectl reports a partitioned roll out, as it does upstream.
        Assert.Contains("roll out complete: 3 new pods", rollout.Output);

        // Scaling down deletes from the highest ordinal; the claims stay (retention Retain).
        await client.AppsV1.PatchNamespacedStatefulSetAsync(MergePatch("""{"spec":{"replicas":1}}"""), "web", ns);
        await Eventually.HoldsAsync(async () =>
        {
            var names = await PodNamesAsync(client, ns);
            Assert.False(names.Contains("web-2") && !names.Contains("web-1"), "web-1 went before web-2");
            return names.SequenceEqual(["web-0"]);
        }, "only web-0 is left");
        await WaitForStatusAsync(client, ns, "web", set => set.Status.Replicas == 1 && set.Status.ReadyReplicas == 1);
        Assert.Equal(["www-web-0", "www-web-1", "www-web-2"], await ClaimNamesAsync(client, ns));
        Assert.Contains(await EventsAboutAsync(client, ns, "web", "SuccessfulDelete"), e => e.Message == "delete Pod web-2 in StatefulSet web successful");
    }

    [Fact]
    public async Task Parallel_pods_come_together_and_a_partition_keeps_the_lower_ordinals_at_the_old_revision()
    {
        using var client = cluster.Client();
        var ns = await NamespaceAsync(client, "sts-parallel");
        var set = StatefulSet("db", 3, "busybox:1.36", "db", "data");
        set.Spec.PodManagementPolicy = "Parallel";
        set.Spec.UpdateStrategy = new V1StatefulSetUpdateStrategy { Type = "RollingUpdate", RollingUpdate = new V1RollingUpdateStatefulSetStrategy { Partition = 2 } };
        await client.AppsV1.CreateNamespacedStatefulSetAsync(set, ns);

        // Without a kubelet no pod is Ready, yet all three are made.
        await WaitForStatusAsync(client, ns, "db", set => set.Status.Replicas == 3);
        Assert.Equal(["db-0", "db-1", "db-2"], await PodNamesAsync(client, ns));

        await using var kubelet = new PlayingKubelet(client, ns);
        await WaitForStatusAsync(client, ns, "db", set => set.Status.ReadyReplicas == 3);
        await client.AppsV1.PatchNamespacedStatefulSetAsync(MergePatch("""{"spec":{"template":{"spec":{"containers":[{"name":"main","image":"busybox:1.37"}]}}}}"""), "db", ns);
        var status = await WaitForStatusAsync(client, ns, "db", set => set.Status.UpdatedReplicas == 1 && set.Status.ReadyReplicas == 3);
        Assert.NotEqual(status.CurrentRevision, status.UpdateRevision);
        var images = (await PodsAsync(client, ns)).ToDictionary(pod => pod.Metadata.Name, pod => pod.Spec.Containers[0].Image);
        Assert.Equal(("busybox:1.36", "busybox:1.36", "busybox:1.37"), (images["db-0"], images["db-1"], images["db-2"]));

        // The partition lowered to 0: the rest follow and the update revision becomes the current one.
        await client.AppsV1.PatchNamespacedStatefulSetAsync(MergePatch("""{"spec":{"updateStrategy":{"rollingUpdate":{"partition":0}}}}"""), "db", ns);
        status = await WaitForStatusAsync(client, ns, "db", set => set.Status.UpdatedReplicas == 3 && set.Status.ReadyReplicas == 3
            && set.Status.CurrentRevision == set.Status.UpdateRevision);
        Assert.Equal(3, status.CurrentReplicas);

        // Deleted with --cascade=orphan and made again, the set adopts its pods and its revisions.
        var podUids = (await PodsAsync(client, ns)).Select(pod => pod.Metadata.Uid).Order(StringComparer.Ordinal).ToList();
        await client.AppsV1.DeleteNamespacedStatefulSetAsync("db", ns, propagationPolicy: "Orphan");
        await Eventually.HoldsAsync(async () =>
            (await client.AppsV1.ListNamespacedStatefulSetAsync(ns)).Items.Count == 0
            && (await PodsAsync(client, ns)).All(pod => pod.Metadata.OwnerReferences is null or { Count: 0 }),
            "the set is gone and its pods are orphans");
        var again = StatefulSet("db", 3, "busybox:1.37", "db", "data");
        again.Spec.PodManagementPolicy = "Parallel";
        var adopter = await client.AppsV1.CreateNamespacedStatefulSetAsync(again, ns);
        status = await WaitForStatusAsync(client, ns, "db", set => set.Status.ReadyReplicas == 3 && set.Status.UpdatedReplicas == 3);
        Assert.Equal(status.UpdateRevision, status.CurrentRevision);
        Assert.Equal(podUids, (await PodsAsync(client, ns)).Select(pod => pod.Metadata.Uid).Order(StringComparer.Ordinal));
        Assert.All((await client.AppsV1.ListNamespacedControllerRevisionAsync(ns)).Items, revision => Assert.True(ControlledBy(revision.Metadata, adopter)));
    }

    private static async Task<List<string>> PodNamesAsync(Kubernetes client, string @namespace) =>
        (await PodsAsync(client, @namespace)).Select(pod => pod.Metadata.Name).Order(StringComparer.Ordinal).ToList();

    private static async Task<List<string>> ClaimNamesAsync(Kubernetes client, string @namespace) =>
        (await client.CoreV1.ListNamespacedPersistentVolumeClaimAsync(@namespace)).Items.Select(claim => claim.Metadata.Name).Order(StringComparer.Ordinal).ToList();

    /// <summary>Waits until the set's status, written for its current generation, satisfies the condition.</summary>
    private static async Task<V1StatefulSetStatus> WaitForStatusAsync(Kubernetes client, string @namespace, string name, Func<V1StatefulSet, bool> condition)
    {
        V1StatefulSet set = null!;
        await Eventually.HoldsAsync(async () =>
        {
            set = await client.AppsV1.ReadNamespacedStatefulSetAsync(name, @namespace);
            return set.Status is not null && set.Status.ObservedGeneration == set.Metadata.Generation && condition(set);
        }, $"stateful set {name} reaches the expected status");
        return set.Status;
    }
}
