using System.Text.Json.Nodes;
using k8s;
using k8s.Models;

namespace K3s.Controllers.Scheduling;

/// <summary>
/// The pod's PodScheduled condition, set through a strategic merge patch of /status (conditions merge
/// by type, so the kubelet's conditions stay as they are).
/// </summary>
public static class PodScheduledCondition
{
    public const string Type = "PodScheduled";

    /// <summary>Whether the pod shows this condition already, so a retry writes nothing.</summary>
    public static bool Shows(V1Pod pod, string status, string? reason, string? message) =>
        pod.Status?.Conditions?.FirstOrDefault(condition => condition.Type == Type) is { } current
        && current.Status == status && current.Reason == reason && current.Message == message;

    public static async Task SetAsync(Kubernetes client, V1Pod pod, string status, string? reason, string? message, CancellationToken cancellationToken)
    {
        var condition = new JsonObject
        {
            ["type"] = Type,
            ["status"] = status,
            ["lastProbeTime"] = null,
            ["lastTransitionTime"] = DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm:ssZ"),
        };
        if (reason is not null)
            condition["reason"] = reason;
        if (message is not null)
            condition["message"] = message;
        var patch = new JsonObject { ["status"] = new JsonObject { ["conditions"] = new JsonArray(condition) } };
        await client.CoreV1.PatchNamespacedPodStatusAsync(new V1Patch(patch.ToJsonString(), V1Patch.PatchType.StrategicMergePatch),
            pod.Metadata.Name, pod.Metadata.NamespaceProperty, cancellationToken: cancellationToken);
    }
}
