using k8s;
using k8s.Models;
using static K3s.Controllers.Tests.TestObjects;

namespace K3s.Controllers.Tests;

/// <summary>
/// The scheduler against a live API server. Each test registers nodes of its own pool (a label its
/// pods select), so the tests share one cluster without taking each other's room.
/// </summary>
public sealed class SchedulerTests(ClusterFixture cluster) : IClassFixture<ClusterFixture>
{
    [Fact]
    public async Task Pods_go_to_ready_nodes_where_their_requests_and_selector_fit()
    {
        using var client = cluster.Client();
        await CreateNamespaceAsync(client, "fit");
        var pool = new Dictionary<string, string> { ["pool"] = "fit" };
        await client.CoreV1.CreateNodeAsync(Node("fit-small", cpu: "1", memory: "2Gi", labels: new Dictionary<string, string> { ["pool"] = "fit", ["disk"] = "hdd" }));
        await client.CoreV1.CreateNodeAsync(Node("fit-large", cpu: "2", memory: "4Gi", labels: new Dictionary<string, string> { ["pool"] = "fit", ["disk"] = "ssd" }));
        await client.CoreV1.CreateNodeAsync(Node("fit-down", cpu: "16", memory: "64Gi", ready: false, labels: pool));

        await client.CoreV1.CreateNamespacedPodAsync(Pod("ssd", nodeSelector: new Dictionary<string, string> { ["pool"] = "fit", ["disk"] = "ssd" }), "fit");
        Assert.Equal("fit-large", await BoundNodeAsync(client, "fit", "ssd"));
        await client.CoreV1.CreateNamespacedPodAsync(Pod("big", cpu: "1500m", memory: "1Gi", nodeSelector: pool), "fit");
        Assert.Equal("fit-large", await BoundNodeAsync(client, "fit", "big"));
        // fit-large has half a core left now: a whole core fits only on fit-small.
        await client.CoreV1.CreateNamespacedPodAsync(Pod("one-core", cpu: "1", memory: "128Mi", nodeSelector: pool), "fit");
        Assert.Equal("fit-small", await BoundNodeAsync(client, "fit", "one-core"));

        await client.CoreV1.CreateNamespacedPodAsync(Pod("huge", cpu: "4", nodeSelector: pool), "fit");
        var message = await UnschedulableMessageAsync(client, "fit", "huge");
        Assert.Matches(@"^0/\d+ nodes are available: .*\d+ Insufficient cpu", message);
        Assert.Contains("node(s) had untolerated taint {node.kubernetes.io/not-ready: }", message);
        var failed = await EventAsync(client, "fit", "huge", "FailedScheduling");
        Assert.Equal("Warning", failed.Type);
        Assert.Equal(message, failed.Message);

        // A node with room comes: the waiting pod is tried again and goes there.
        await client.CoreV1.CreateNodeAsync(Node("fit-huge", cpu: "8", memory: "16Gi", labels: pool));
        Assert.Equal("fit-huge", await BoundNodeAsync(client, "fit", "huge"));
        var scheduled = await EventAsync(client, "fit", "huge", "Scheduled");
        Assert.Equal("Successfully assigned fit/huge to fit-huge", scheduled.Message);
        await Eventually.HoldsAsync(async () =>
            PodScheduled(await client.CoreV1.ReadNamespacedPodAsync("huge", "fit"))?.Status == "True", "PodScheduled turns True");
    }

    [Fact]
    public async Task Taints_keep_off_pods_that_do_not_tolerate_them_and_affinity_chooses_among_the_rest()
    {
        using var client = cluster.Client();
        await CreateNamespaceAsync(client, "taint");
        await client.CoreV1.CreateNodeAsync(Node("taint-gpu", labels: new Dictionary<string, string> { ["pool"] = "taint", ["zone"] = "z1", ["rank"] = "5" },
            taints: [new V1Taint { Key = "dedicated", Value = "gpu", Effect = "NoSchedule" }]));
        await client.CoreV1.CreateNodeAsync(Node("taint-plain", labels: new Dictionary<string, string> { ["pool"] = "taint", ["zone"] = "z2", ["rank"] = "1" }));

        await client.CoreV1.CreateNamespacedPodAsync(Pod("plain", nodeSelector: new Dictionary<string, string> { ["pool"] = "taint" }), "taint");
        Assert.Equal("taint-plain", await BoundNodeAsync(client, "taint", "plain"));

        await client.CoreV1.CreateNamespacedPodAsync(Pod("tolerant",
            tolerations: [new V1Toleration { Key = "dedicated", OperatorProperty = "Equal", Value = "gpu", Effect = "NoSchedule" }],
            affinity: RequiredNodeAffinity(
                new V1NodeSelectorRequirement { Key = "pool", OperatorProperty = "In", Values = ["taint"] },
                new V1NodeSelectorRequirement { Key = "rank", OperatorProperty = "Gt", Values = ["3"] })), "taint");
        Assert.Equal("taint-gpu", await BoundNodeAsync(client, "taint", "tolerant"));

        await client.CoreV1.CreateNamespacedPodAsync(Pod("intolerant", affinity: RequiredNodeAffinity(
            new V1NodeSelectorRequirement { Key = "pool", OperatorProperty = "In", Values = ["taint"] },
            new V1NodeSelectorRequirement { Key = "zone", OperatorProperty = "NotIn", Values = ["z2"] })), "taint");
        var message = await UnschedulableMessageAsync(client, "taint", "intolerant");
        Assert.Contains("1 node(s) had untolerated taint {dedicated: gpu}", message);
        Assert.Contains("node(s) didn't match Pod's node affinity/selector", message);
    }

    [Fact]
    public async Task Required_anti_affinity_puts_each_pod_on_its_own_host_and_a_full_node_takes_none()
    {
        using var client = cluster.Client();
        await CreateNamespaceAsync(client, "anti");
        var pool = new Dictionary<string, string> { ["pool"] = "anti" };
        await client.CoreV1.CreateNodeAsync(Node("anti-1", labels: pool));
        await client.CoreV1.CreateNodeAsync(Node("anti-2", labels: pool));
        await client.CoreV1.CreateNodeAsync(Node("anti-full", pods: 0, labels: pool));
        var solo = new Dictionary<string, string> { ["app"] = "solo" };
        var apart = new V1Affinity
        {
            PodAntiAffinity = new V1PodAntiAffinity
            {
                RequiredDuringSchedulingIgnoredDuringExecution =
                [
                    new V1PodAffinityTerm { LabelSelector = new V1LabelSelector { MatchLabels = solo }, TopologyKey = "kubernetes.io/hostname" },
                ],
            },
        };

        var nodes = new List<string>();
        foreach (var name in new[] { "solo-1", "solo-2" })
        {
            await client.CoreV1.CreateNamespacedPodAsync(Pod(name, labels: solo, nodeSelector: pool, affinity: apart), "anti");
            nodes.Add(await BoundNodeAsync(client, "anti", name));
        }
        Assert.Equal(new[] { "anti-1", "anti-2" }, nodes.Order());

        await client.CoreV1.CreateNamespacedPodAsync(Pod("solo-3", labels: solo, nodeSelector: pool, affinity: apart), "anti");
        var message = await UnschedulableMessageAsync(client, "anti", "solo-3");
        Assert.Contains("2 node(s) didn't match pod anti-affinity rules", message);
        Assert.Contains("1 Too many pods", message);
    }

    private static V1Affinity RequiredNodeAffinity(params V1NodeSelectorRequirement[] requirements) => new()
    {
        NodeAffinity = new V1NodeAffinity
        {
            RequiredDuringSchedulingIgnoredDuringExecution = new V1NodeSelector { NodeSelectorTerms = [new V1NodeSelectorTerm { MatchExpressions = requirements }] },
        },
    };

    private static async Task<string> BoundNodeAsync(Kubernetes client, string @namespace, string name)
    {
        string? node = null;
        await Eventually.HoldsAsync(async () =>
        {
            node = (await client.CoreV1.ReadNamespacedPodAsync(name, @namespace)).Spec.NodeName;
            return !string.IsNullOrEmpty(node);
        }, $"pod {@namespace}/{name} is bound");
        return node!;
    }

    /// <summary>Waits for PodScheduled=False (reason Unschedulable) and returns its message.</summary>
    private static async Task<string> UnschedulableMessageAsync(Kubernetes client, string @namespace, string name)
    {
        V1PodCondition? condition = null;
        await Eventually.HoldsAsync(async () =>
        {
            condition = PodScheduled(await client.CoreV1.ReadNamespacedPodAsync(name, @namespace));
            return condition is { Status: "False", Reason: "Unschedulable" };
        }, $"pod {@namespace}/{name} is marked unschedulable");
        Assert.Empty((await client.CoreV1.ReadNamespacedPodAsync(name, @namespace)).Spec.NodeName ?? "");
        return condition!.Message;
    }

    private static V1PodCondition? PodScheduled(V1Pod pod) => pod.Status?.Conditions?.FirstOrDefault(condition => condition.Type == "PodScheduled");

    private static async Task<Corev1Event> EventAsync(Kubernetes client, string @namespace, string pod, string reason)
    {
        Corev1Event? found = null;
        await Eventually.HoldsAsync(async () =>
        {
            found = (await client.CoreV1.ListNamespacedEventAsync(@namespace)).Items
                .LastOrDefault(item => item.InvolvedObject.Name == pod && item.Reason == reason);
            return found is not null;
        }, $"a {reason} event about {@namespace}/{pod}");
        Assert.Equal("default-scheduler", found!.Source.Component);
        return found;
    }
}
