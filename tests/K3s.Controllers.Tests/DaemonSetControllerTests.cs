using k8s;
using k8s.Models;
using static K3s.Controllers.Tests.SetTestObjects;
using static K3s.Controllers.Tests.TestObjects;
using static K3s.Controllers.Tests.WorkloadTestObjects;

namespace K3s.Controllers.Tests;

/// <summary>
/// The daemonset controller with the scheduler against a live API server. Each test registers nodes
/// of its own pool (a label its daemon set selects), so no other test's node gets its daemon pods.
/// </summary>
public sealed class DaemonSetControllerTests(ClusterFixture cluster) : IClassFixture<ClusterFixture>
{
    [Fact]
    public async Task A_daemon_set_runs_one_pod_per_eligible_node_follows_nodes_and_rolls_a_new_template()
    {
        using var client = cluster.Client();
        var ns = await NamespaceAsync(client, "ds-nodes");
        await using var kubelet = new PlayingKubelet(client, ns);
        var pool = new Dictionary<string, string> { ["ds-pool"] = "ds-nodes" };
        await client.CoreV1.CreateNodeAsync(Node("dsn-a", labels: pool));
        await client.CoreV1.CreateNodeAsync(Node("dsn-b", labels: pool));
        await client.CoreV1.CreateNodeAsync(Node("dsn-tainted", labels: pool, taints: [new V1Taint { Key = "dedicated", Value = "db", Effect = "NoSchedule" }]));
        await client.CoreV1.CreateNodeAsync(Node("dsn-elsewhere", labels: new Dictionary<string, string> { ["ds-pool"] = "another" }));

        var daemonSet = await client.AppsV1.CreateNamespacedDaemonSetAsync(DaemonSet("agent", "busybox:1.36", pool), ns);
        await WaitForPodsOnAsync(client, ns, "busybox:1.36", "dsn-a", "dsn-b");
        var status = await WaitForStatusAsync(client, ns, "agent", desired: 2, updated: 2);
        Assert.Equal((2, 2, 2, 0), (status.CurrentNumberScheduled, status.NumberReady, status.NumberAvailable ?? 0, status.NumberMisscheduled));

        var pods = await PodsAsync(client, ns);
        var revision = Assert.Single((await client.AppsV1.ListNamespacedControllerRevisionAsync(ns)).Items);
        Assert.True(ControlledBy(revision.Metadata, daemonSet));
        Assert.Equal(1, revision.Revision);
        Assert.All(pods, pod =>
        {
            Assert.True(ControlledBy(pod.Metadata, daemonSet));
            Assert.Equal(revision.Metadata.Labels["controller-revision-hash"], pod.Metadata.Labels["controller-revision-hash"]);
            Assert.Equal($"agent-{pod.Metadata.Labels["controller-revision-hash"]}", revision.Metadata.Name);
            Assert.Equal("1", pod.Metadata.Labels["pod-template-generation"]);
            Assert.Contains(pod.Spec.Tolerations, t => t is { Key: "node.kubernetes.io/unreachable", Effect: "NoExecute", TolerationSeconds: null });
            Assert.Contains(pod.Spec.Tolerations, t => t is { Key: "node.kubernetes.io/unschedulable", Effect: "NoSchedule" });
            var field = Assert.Single(pod.Spec.Affinity.NodeAffinity.RequiredDuringSchedulingIgnoredDuringExecution.NodeSelectorTerms.Single().MatchFields);
            Assert.Equal(("metadata.name", pod.Spec.NodeName), (field.Key, field.Values.Single()));
        });
        Assert.NotEmpty(await EventsAboutAsync(client, ns, "agent", "SuccessfulCreate"));

        // A node joins the pool: it gets a pod. A node leaves: its pod goes.
        await client.CoreV1.CreateNodeAsync(Node("dsn-c", labels: pool));
        await WaitForPodsOnAsync(client, ns, "busybox:1.36", "dsn-a", "dsn-b", "dsn-c");
        await client.CoreV1.DeleteNodeAsync("dsn-b");
        await WaitForPodsOnAsync(client, ns, "busybox:1.36", "dsn-a", "dsn-c");
        await WaitForStatusAsync(client, ns, "agent", desired: 2, updated: 2);

        // A new image: every pod is replaced, at most one node without an available pod at a time.
        var before = (await PodsAsync(client, ns)).Select(pod => pod.Metadata.Uid).ToHashSet();
        await client.AppsV1.PatchNamespacedDaemonSetAsync(MergePatch("""{"spec":{"template":{"spec":{"containers":[{"name":"main","image":"busybox:1.37"}]}}}}"""), "agent", ns);
        await WaitForPodsOnAsync(client, ns, "busybox:1.37", "dsn-a", "dsn-c");
        status = await WaitForStatusAsync(client, ns, "agent", desired: 2, updated: 2);
        Assert.Equal(2, status.NumberAvailable);
        Assert.DoesNotContain((await PodsAsync(client, ns)).Select(pod => pod.Metadata.Uid), before.Contains);
        Assert.All(await PodsAsync(client, ns), pod => Assert.Equal("2", pod.Metadata.Labels["pod-template-generation"]));
        var revisions = (await client.AppsV1.ListNamespacedControllerRevisionAsync(ns)).Items.OrderBy(r => r.Revision).ToList();
        Assert.Equal([1L, 2L], revisions.Select(r => r.Revision));
        Assert.NotEmpty(await EventsAboutAsync(client, ns, "agent", "SuccessfulDelete"));
        var rollout = await Kubectl.RunAsync(cluster, "rollout", "status", "daemonset/agent", "-n", ns, "--timeout=60s");
        Assert.True(rollout.ExitCode == 0, rollout.Output + rollout.Error);
        Assert.Contains("successfully rolled out", rollout.Output);
    }

    [Fact]
    public async Task A_toleration_lets_daemon_pods_onto_a_tainted_node_and_on_delete_keeps_old_pods()
    {
        using var client = cluster.Client();
        var ns = await NamespaceAsync(client, "ds-ondelete");
        await using var kubelet = new PlayingKubelet(client, ns);
        var pool = new Dictionary<string, string> { ["ds-pool"] = "ds-ondelete" };
        await client.CoreV1.CreateNodeAsync(Node("dso-plain", labels: pool));
        await client.CoreV1.CreateNodeAsync(Node("dso-tainted", labels: pool, taints: [new V1Taint { Key = "dedicated", Value = "db", Effect = "NoSchedule" }]));

        var daemonSet = DaemonSet("logs", "busybox:1.36", pool);
        daemonSet.Spec.Template.Spec.Tolerations = [new V1Toleration { Key = "dedicated", OperatorProperty = "Exists" }];
        daemonSet.Spec.UpdateStrategy = new V1DaemonSetUpdateStrategy { Type = "OnDelete" };
        await client.AppsV1.CreateNamespacedDaemonSetAsync(daemonSet, ns);
        await WaitForPodsOnAsync(client, ns, "busybox:1.36", "dso-plain", "dso-tainted");
        await WaitForStatusAsync(client, ns, "logs", desired: 2, updated: 2);

        await client.AppsV1.PatchNamespacedDaemonSetAsync(MergePatch("""{"spec":{"template":{"spec":{"containers":[{"name":"main","image":"busybox:1.37"}]}}}}"""), "logs", ns);
        var status = await WaitForStatusAsync(client, ns, "logs", desired: 2, updated: 0);
        Assert.Equal(2, status.CurrentNumberScheduled);
        Assert.All(await PodsAsync(client, ns), pod => Assert.Equal("busybox:1.36", pod.Spec.Containers[0].Image));

        // Deleting one pod by hand replaces it from the new template.
        var plain = (await PodsAsync(client, ns)).Single(pod => pod.Spec.NodeName == "dso-plain");
        await client.CoreV1.DeleteNamespacedPodAsync(plain.Metadata.Name, ns);
        await Eventually.HoldsAsync(async () =>
            (await PodsAsync(client, ns)).Any(pod => pod.Spec.NodeName == "dso-plain" && pod.Spec.Containers[0].Image == "busybox:1.37"),
            "dso-plain runs a pod of the new template");
        await WaitForStatusAsync(client, ns, "logs", desired: 2, updated: 1);
        Assert.Equal("busybox:1.36", (await PodsAsync(client, ns)).Single(pod => pod.Spec.NodeName == "dso-tainted").Spec.Containers[0].Image);

        // Deleting the daemon set takes its pods and revisions with it (the garbage collector knows the owner).
        await client.AppsV1.DeleteNamespacedDaemonSetAsync("logs", ns);
        await Eventually.HoldsAsync(async () =>
            (await PodsAsync(client, ns)).Count == 0 && (await client.AppsV1.ListNamespacedControllerRevisionAsync(ns)).Items.Count == 0,
            "the daemon set's pods and revisions are gone");
    }

    /// <summary>Waits until exactly the given nodes each run one daemon pod with the image (bound by the scheduler), and no other node one.</summary>
    private static async Task WaitForPodsOnAsync(Kubernetes client, string @namespace, string image, params string[] nodes) =>
        await Eventually.HoldsAsync(async () =>
        {
            var pods = await PodsAsync(client, @namespace);
            return pods.Count == nodes.Length
                && pods.All(pod => pod.Spec.Containers[0].Image == image)
                && pods.Select(pod => pod.Spec.NodeName ?? "").Order(StringComparer.Ordinal).SequenceEqual(nodes.Order(StringComparer.Ordinal));
        }, $"one pod with {image} on each of {string.Join(", ", nodes)}");

    private static async Task<V1DaemonSetStatus> WaitForStatusAsync(Kubernetes client, string @namespace, string name, int desired, int updated)
    {
        V1DaemonSetStatus status = null!;
        await Eventually.HoldsAsync(async () =>
        {
            var daemonSet = await client.AppsV1.ReadNamespacedDaemonSetAsync(name, @namespace);
            status = daemonSet.Status;
            return status is not null && status.ObservedGeneration == daemonSet.Metadata.Generation
                && status.DesiredNumberScheduled == desired && status.UpdatedNumberScheduled == updated && status.NumberReady == desired;
        }, $"daemon set {name} reports {desired} desired, {updated} updated, all ready");
        return status;
    }
}
