using System.Text.Json.Nodes;
using k8s;
using k8s.Models;
using K3s.Controllers.Workloads;

namespace K3s.Controllers.NodeLifecycle;

/// <summary>
/// Upstream's MarkPodsNotReady: the pods of a node that is not Ready get Ready=False, so services
/// stop sending them traffic even though no kubelet is there to say so. Set through a strategic
/// merge patch of /status, so the pod's other conditions stay as the kubelet left them.
/// </summary>
public static class PodsNotReady
{
    /// <summary>Whether the pod still claims to be Ready.</summary>
    public static bool NeedsMarking(V1Pod pod) => PodStates.IsReady(pod);

    public static async Task MarkAsync(Kubernetes client, V1Pod pod, DateTime now, CancellationToken cancellationToken)
    {
        var condition = new JsonObject
        {
            ["type"] = "Ready",
            ["status"] = "False",
            ["lastTransitionTime"] = now.ToString("yyyy-MM-ddTHH:mm:ssZ"),
        };
        var patch = new JsonObject { ["status"] = new JsonObject { ["conditions"] = new JsonArray(condition) } };
        await client.CoreV1.PatchNamespacedPodStatusAsync(new V1Patch(patch.ToJsonString(), V1Patch.PatchType.StrategicMergePatch),
            pod.Metadata.Name, pod.Metadata.NamespaceProperty, cancellationToken: cancellationToken);
    }
}
