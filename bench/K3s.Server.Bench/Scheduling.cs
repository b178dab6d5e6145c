using System.Diagnostics;
using k8s;
using k8s.Models;

namespace K3s.Server.Bench;

/// <summary>The scheduler's throughput: Ready nodes registered through the API (as kubelets would) and pending pods to bind.</summary>
internal static class Scheduling
{
    /// <summary>
    /// Seconds from the moment 1,000 pending pods can go somewhere until every one has a node: the nodes are
    /// registered cordoned, the pods created (the scheduler finds them unschedulable), then the nodes uncordoned.
    /// </summary>
    public static async Task<double> BindAllAsync(string kubeconfig, int nodes, int pods)
    {
        using var admin = new Kubernetes(KubernetesClientConfiguration.BuildConfigFromConfigFile(kubeconfig));
        var names = Enumerable.Range(0, nodes).Select(n => $"bench-node-{n}").ToList();
        foreach (var name in names)
            await admin.CoreV1.CreateNodeAsync(Node(name));
        await admin.CoreV1.CreateNamespaceAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = "scheduling" } });

        var clients = Enumerable.Range(0, 8).Select(_ => new Kubernetes(KubernetesClientConfiguration.BuildConfigFromConfigFile(kubeconfig))).ToList();
        var next = -1;
        await Task.WhenAll(clients.Select(async client =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < pods)
                await client.CoreV1.CreateNamespacedPodAsync(Pod($"p-{i}"), "scheduling");
        }));
        foreach (var client in clients)
            client.Dispose();

        // One watch tells when the last pod is bound: polling lists of 1,000 pods would load the server being measured.
        var listed = await admin.CoreV1.ListNamespacedPodAsync("scheduling");
        var pending = listed.Items.Where(pod => string.IsNullOrEmpty(pod.Spec.NodeName)).Select(pod => pod.Metadata.Name).ToHashSet();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        var clock = Stopwatch.StartNew();
        var uncordon = new V1Patch("""{"spec":{"unschedulable":null}}""", V1Patch.PatchType.MergePatch);
        await Task.WhenAll(names.Select(name => admin.CoreV1.PatchNodeAsync(uncordon, name)));
        try
        {
            await foreach (var (_, pod) in admin.CoreV1.WatchListNamespacedPodAsync("scheduling", resourceVersion: listed.Metadata.ResourceVersion,
                               cancellationToken: timeout.Token))
            {
                if (!string.IsNullOrEmpty(pod.Spec.NodeName) && pending.Remove(pod.Metadata.Name) && pending.Count == 0)
                    return clock.Elapsed.TotalSeconds;
            }
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
        }
        throw new TimeoutException($"{pending.Count} pods still pending when the watch ended or after 5 minutes");
    }

    private static V1Node Node(string name) => new()
    {
        Metadata = new V1ObjectMeta { Name = name, Labels = new Dictionary<string, string> { ["kubernetes.io/hostname"] = name } },
        Spec = new V1NodeSpec { Unschedulable = true },
        Status = new V1NodeStatus
        {
            Conditions = [new V1NodeCondition { Type = "Ready", Status = "True", LastHeartbeatTime = DateTime.UtcNow, LastTransitionTime = DateTime.UtcNow }],
            Allocatable = new Dictionary<string, ResourceQuantity> { ["cpu"] = new("8"), ["memory"] = new("16Gi"), ["pods"] = new("110") },
            Capacity = new Dictionary<string, ResourceQuantity> { ["cpu"] = new("8"), ["memory"] = new("16Gi"), ["pods"] = new("110") },
        },
    };

    private static V1Pod Pod(string name) => new()
    {
        Metadata = new V1ObjectMeta { Name = name },
        Spec = new V1PodSpec
        {
            Containers =
            [
                new V1Container
                {
                    Name = "c",
                    Image = "busybox",
                    Resources = new V1ResourceRequirements { Requests = new Dictionary<string, ResourceQuantity> { ["cpu"] = new("50m"), ["memory"] = new("64Mi") } },
                },
            ],
        },
    };
}
