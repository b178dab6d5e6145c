using k8s;
using k8s.Models;
using K3s.Controllers.NodeLifecycle;
using static K3s.Controllers.Tests.TestObjects;

namespace K3s.Controllers.Tests;

/// <summary>
/// The node lifecycle controller and taint manager against a live API server whose controllers judge
/// nodes after a few seconds of silence. Kubelets are played through the API; each test has its own
/// namespace, nodes and pool label, so they share the cluster without touching each other's nodes.
/// </summary>
public sealed class NodeLifecycleTests(NodeLifecycleFixture cluster) : IClassFixture<NodeLifecycleFixture>
{
    [Fact]
    public async Task A_node_that_stops_renewing_its_lease_turns_Unknown_and_unreachable_and_loses_the_taints_when_Ready_again()
    {
        using var client = cluster.Client();
        var pool = new Dictionary<string, string> { ["pool"] = "silence" };
        await using var live = await PlayingNodeKubelet.RegisterAsync(client, "silence-live", pool);
        await using var silent = await PlayingNodeKubelet.RegisterAsync(client, "silence-quiet", pool);
        await silent.StopAsync();

        await Eventually.HoldsAsync(async () => Ready(await client.CoreV1.ReadNodeAsync("silence-quiet"))?.Status == "Unknown",
            "the silent node's Ready condition turns Unknown");
        var quiet = await client.CoreV1.ReadNodeAsync("silence-quiet");
        Assert.All(new[] { "Ready", "MemoryPressure", "DiskPressure", "PIDPressure" }, type =>
            Assert.Equal("Unknown", quiet.Status.Conditions.Single(condition => condition.Type == type).Status));
        Assert.Equal("NodeStatusUnknown", Ready(quiet)!.Reason);
        Assert.Equal("Kubelet stopped posting node status.", Ready(quiet)!.Message);
        // The kubelet never posted the pressure conditions, so the controller reports them as never updated.
        Assert.Equal("NodeStatusNeverUpdated", quiet.Status.Conditions.Single(condition => condition.Type == "MemoryPressure").Reason);

        await Eventually.HoldsAsync(async () => HasTaint(await client.CoreV1.ReadNodeAsync("silence-quiet"), NodeTaintKeys.Unreachable, "NoExecute"),
            "the silent node is tainted unreachable");
        quiet = await client.CoreV1.ReadNodeAsync("silence-quiet");
        Assert.NotNull(quiet.Spec.Taints.Single(taint => taint is { Key: NodeTaintKeys.Unreachable, Effect: "NoExecute" }).TimeAdded);
        Assert.True(HasTaint(quiet, NodeTaintKeys.Unreachable, "NoSchedule"));
        await NodeEventAsync(client, "silence-quiet", "NodeNotReady");

        // Registered at the same moment, the live node has been watched as long as the silent one: its renewals kept it Ready.
        var alive = await client.CoreV1.ReadNodeAsync("silence-live");
        Assert.Equal("True", Ready(alive)!.Status);
        Assert.Empty(alive.Spec.Taints ?? []);

        await silent.ResumeAsync();
        await Eventually.HoldsAsync(async () => (await client.CoreV1.ReadNodeAsync("silence-quiet")).Spec.Taints is null or { Count: 0 },
            "the node back online loses its unreachable taints");
        Assert.Equal("True", Ready(await client.CoreV1.ReadNodeAsync("silence-quiet"))!.Status);
    }

    [Fact]
    public async Task Pods_of_an_unreachable_node_are_evicted_after_their_toleration_and_replaced_on_a_healthy_node_while_those_tolerating_forever_stay()
    {
        using var client = cluster.Client();
        await CreateNamespaceAsync(client, "evict");
        var pool = new Dictionary<string, string> { ["pool"] = "evict" };
        await using var doomed = await PlayingNodeKubelet.RegisterAsync(client, "evict-doomed", pool);

        var briefly = new V1Toleration { Key = NodeTaintKeys.Unreachable, OperatorProperty = "Exists", Effect = "NoExecute", TolerationSeconds = 1 };
        await client.AppsV1.CreateNamespacedReplicaSetAsync(ReplicaSet("web", 2, pool, [briefly]), "evict");
        var forever = new V1Toleration { Key = NodeTaintKeys.Unreachable, OperatorProperty = "Exists", Effect = "NoExecute" };
        await client.CoreV1.CreateNamespacedPodAsync(Pod("steadfast", nodeSelector: pool, tolerations: [forever]), "evict");
        List<V1Pod> first = [];
        await Eventually.HoldsAsync(async () =>
        {
            first = (await client.CoreV1.ListNamespacedPodAsync("evict")).Items.ToList();
            return first.Count == 3 && first.All(pod => pod.Spec.NodeName == "evict-doomed" && IsReady(pod));
        }, "the pods run on the only node");

        await using var healthy = await PlayingNodeKubelet.RegisterAsync(client, "evict-healthy", pool);
        await doomed.StopAsync();

        var originals = first.Where(pod => pod.Metadata.Name != "steadfast").Select(pod => pod.Metadata.Name).ToHashSet();
        await Eventually.HoldsAsync(async () =>
        {
            var pods = (await client.CoreV1.ListNamespacedPodAsync("evict", labelSelector: "app=web")).Items;
            var replacements = pods.Where(pod => !originals.Contains(pod.Metadata.Name) && pod.Metadata.DeletionTimestamp is null).ToList();
            return pods.Where(pod => originals.Contains(pod.Metadata.Name)).All(pod => pod.Metadata.DeletionTimestamp is not null)
                   && replacements.Count == 2 && replacements.All(pod => pod.Spec.NodeName == "evict-healthy" && IsReady(pod));
        }, "the replica set's pods are evicted and replaced on the healthy node");
        var evicted = await PodEventAsync(client, "evict", originals.First(), "TaintManagerEviction");
        Assert.Equal($"Marking for deletion Pod evict/{originals.First()}", evicted.Message);

        var steadfast = await client.CoreV1.ReadNamespacedPodAsync("steadfast", "evict");
        Assert.Null(steadfast.Metadata.DeletionTimestamp);
        Assert.Equal("evict-doomed", steadfast.Spec.NodeName);
        // No kubelet speaks for it, so the controller marks it not Ready.
        await Eventually.HoldsAsync(async () => !IsReady(await client.CoreV1.ReadNamespacedPodAsync("steadfast", "evict")),
            "the pod left on the unreachable node is marked not Ready");
    }

    [Fact]
    public async Task A_NoExecute_taint_evicts_the_pods_that_do_not_tolerate_it_at_once()
    {
        using var client = cluster.Client();
        await CreateNamespaceAsync(client, "drain");
        var pool = new Dictionary<string, string> { ["pool"] = "drain" };
        await using var kubelet = await PlayingNodeKubelet.RegisterAsync(client, "drain-node", pool);
        await client.CoreV1.CreateNamespacedPodAsync(Pod("intolerant", nodeSelector: pool), "drain");
        await client.CoreV1.CreateNamespacedPodAsync(Pod("tolerant", nodeSelector: pool,
            tolerations: [new V1Toleration { Key = "maintenance", OperatorProperty = "Exists", Effect = "NoExecute" }]), "drain");
        await Eventually.HoldsAsync(async () => (await client.CoreV1.ListNamespacedPodAsync("drain")).Items.All(IsReady),
            "both pods run");

        var patch = new V1Patch("""{"spec":{"taints":[{"key":"maintenance","value":"now","effect":"NoExecute"}]}}""", V1Patch.PatchType.MergePatch);
        await client.CoreV1.PatchNodeAsync(patch, "drain-node");

        await Eventually.HoldsAsync(async () =>
            (await client.CoreV1.ReadNamespacedPodAsync("intolerant", "drain")).Metadata.DeletionTimestamp is not null, "the intolerant pod is evicted");
        await PodEventAsync(client, "drain", "intolerant", "TaintManagerEviction");
        Assert.Null((await client.CoreV1.ReadNamespacedPodAsync("tolerant", "drain")).Metadata.DeletionTimestamp);
        Assert.Contains((await client.CoreV1.ReadNodeAsync("drain-node")).Spec.Taints, taint => taint.Key == "maintenance");
    }

    [Fact]
    public async Task A_cordoned_node_carries_the_unschedulable_taint_until_uncordoned()
    {
        using var client = cluster.Client();
        await using var kubelet = await PlayingNodeKubelet.RegisterAsync(client, "cordon-node", new Dictionary<string, string> { ["pool"] = "cordon" });
        await client.CoreV1.PatchNodeAsync(new V1Patch("""{"spec":{"unschedulable":true}}""", V1Patch.PatchType.MergePatch), "cordon-node");
        await Eventually.HoldsAsync(async () => HasTaint(await client.CoreV1.ReadNodeAsync("cordon-node"), NodeTaintKeys.Unschedulable, "NoSchedule"),
            "the cordoned node is tainted unschedulable");

        await client.CoreV1.PatchNodeAsync(new V1Patch("""{"spec":{"unschedulable":null}}""", V1Patch.PatchType.MergePatch), "cordon-node");
        await Eventually.HoldsAsync(async () => !HasTaint(await client.CoreV1.ReadNodeAsync("cordon-node"), NodeTaintKeys.Unschedulable, "NoSchedule"),
            "the uncordoned node loses the taint");
    }

    [Fact]
    public async Task A_node_that_never_posted_its_status_is_reported_as_never_updated()
    {
        using var client = cluster.Client();
        var node = Node("never-posted");
        node.Status.Conditions = null;
        await client.CoreV1.CreateNodeAsync(node);

        await Eventually.HoldsAsync(async () => Ready(await client.CoreV1.ReadNodeAsync("never-posted"))?.Status == "Unknown",
            "the node's Ready condition is added as Unknown");
        var ready = Ready(await client.CoreV1.ReadNodeAsync("never-posted"))!;
        Assert.Equal("NodeStatusNeverUpdated", ready.Reason);
        Assert.Equal("Kubelet never posted node status.", ready.Message);
    }

    private static V1ReplicaSet ReplicaSet(string name, int replicas, IDictionary<string, string> nodeSelector, IList<V1Toleration> tolerations)
    {
        var labels = new Dictionary<string, string> { ["app"] = name };
        var template = Pod(name, nodeSelector: nodeSelector, labels: labels, tolerations: tolerations);
        return new V1ReplicaSet
        {
            Metadata = new V1ObjectMeta { Name = name },
            Spec = new V1ReplicaSetSpec
            {
                Replicas = replicas,
                Selector = new V1LabelSelector { MatchLabels = labels },
                Template = new V1PodTemplateSpec { Metadata = new V1ObjectMeta { Labels = labels }, Spec = template.Spec },
            },
        };
    }

    private static V1NodeCondition? Ready(V1Node node) => node.Status?.Conditions?.FirstOrDefault(condition => condition.Type == "Ready");

    private static bool HasTaint(V1Node node, string key, string effect) =>
        (node.Spec?.Taints ?? []).Any(taint => taint.Key == key && taint.Effect == effect);

    private static bool IsReady(V1Pod pod) => pod.Status?.Conditions?.Any(condition => condition is { Type: "Ready", Status: "True" }) == true;

    private static async Task<Corev1Event> PodEventAsync(Kubernetes client, string @namespace, string pod, string reason)
    {
        Corev1Event? found = null;
        await Eventually.HoldsAsync(async () =>
        {
            found = (await client.CoreV1.ListNamespacedEventAsync(@namespace)).Items
                .LastOrDefault(item => item.InvolvedObject.Name == pod && item.Reason == reason);
            return found is not null;
        }, $"a {reason} event about {@namespace}/{pod}");
        return found!;
    }

    private static async Task NodeEventAsync(Kubernetes client, string node, string reason) =>
        await Eventually.HoldsAsync(async () => (await client.CoreV1.ListNamespacedEventAsync("default")).Items
            .Any(item => item.InvolvedObject.Kind == "Node" && item.InvolvedObject.Name == node && item.Reason == reason),
            $"a {reason} event about node {node}");
}
