using k8s.Models;

namespace K3s.Controllers.NodeLifecycle;

/// <summary>Reading a node's conditions, and what the controller writes when its kubelet has gone quiet.</summary>
public static class NodeConditions
{
    public const string Ready = "Ready";

    /// <summary>The conditions the kubelet owns; NetworkUnavailable is left alone (the network plugin owns it), as upstream.</summary>
    private static readonly string[] KubeletOwned = [Ready, "MemoryPressure", "DiskPressure", "PIDPressure"];

    public static V1NodeCondition? Find(V1Node node, string type) =>
        node.Status?.Conditions?.FirstOrDefault(condition => condition.Type == type);

    /// <summary>"True", "False", "Unknown", or null when the kubelet never posted it.</summary>
    public static string? ReadyStatus(V1Node node) => Find(node, Ready)?.Status;

    /// <summary>Whether every kubelet-owned condition already reads Unknown, so there is nothing to write.</summary>
    public static bool AllUnknown(V1Node node) =>
        KubeletOwned.All(type => Find(node, type)?.Status == "Unknown");

    /// <summary>
    /// Sets the kubelet-owned conditions to Unknown, as upstream does once the grace period passed:
    /// a condition never posted is added (NodeStatusNeverUpdated), one posted keeps its last heartbeat
    /// and changes only if it was not Unknown already (NodeStatusUnknown).
    /// </summary>
    public static void MarkUnknown(V1Node node, DateTime now)
    {
        node.Status ??= new V1NodeStatus();
        node.Status.Conditions ??= [];
        foreach (var type in KubeletOwned)
        {
            var condition = Find(node, type);
            if (condition is null)
            {
                node.Status.Conditions.Add(new V1NodeCondition
                {
                    Type = type,
                    Status = "Unknown",
                    Reason = "NodeStatusNeverUpdated",
                    Message = "Kubelet never posted node status.",
                    LastHeartbeatTime = node.Metadata.CreationTimestamp,
                    LastTransitionTime = now,
                });
            }
            else if (condition.Status != "Unknown")
            {
                condition.Status = "Unknown";
                condition.Reason = "NodeStatusUnknown";
                condition.Message = "Kubelet stopped posting node status.";
                condition.LastTransitionTime = now;
            }
        }
    }
}
