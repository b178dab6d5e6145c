using k8s.Models;

namespace K3s.Controllers.NodeLifecycle;

/// <summary>
/// The taints a node's conditions and spec.unschedulable call for (upstream's TaintNodesByCondition
/// and the NoExecute pass of taint-based eviction): the scheduler keeps new pods off through the
/// NoSchedule ones, the taint manager evicts through the NoExecute ones.
/// </summary>
public static class ConditionTaints
{
    /// <summary>Every taint this controller owns; others (a user's, a cloud provider's) it never touches.</summary>
    private static readonly HashSet<(string Key, string Effect)> Managed =
    [
        (NodeTaintKeys.NotReady, NodeTaintKeys.NoSchedule),
        (NodeTaintKeys.NotReady, NodeTaintKeys.NoExecute),
        (NodeTaintKeys.Unreachable, NodeTaintKeys.NoSchedule),
        (NodeTaintKeys.Unreachable, NodeTaintKeys.NoExecute),
        (NodeTaintKeys.Unschedulable, NodeTaintKeys.NoSchedule),
        (NodeTaintKeys.MemoryPressure, NodeTaintKeys.NoSchedule),
        (NodeTaintKeys.DiskPressure, NodeTaintKeys.NoSchedule),
        (NodeTaintKeys.PidPressure, NodeTaintKeys.NoSchedule),
        (NodeTaintKeys.NetworkUnavailable, NodeTaintKeys.NoSchedule),
    ];

    /// <summary>The managed taints (key, effect) the node should carry now.</summary>
    public static IReadOnlyList<(string Key, string Effect)> Wanted(V1Node node)
    {
        var wanted = new List<(string, string)>();
        // A node whose kubelet never posted Ready counts as unreachable, as upstream's fake Unknown condition.
        switch (NodeConditions.ReadyStatus(node) ?? "Unknown")
        {
            case "False":
                wanted.Add((NodeTaintKeys.NotReady, NodeTaintKeys.NoSchedule));
                wanted.Add((NodeTaintKeys.NotReady, NodeTaintKeys.NoExecute));
                break;
            case "Unknown":
                wanted.Add((NodeTaintKeys.Unreachable, NodeTaintKeys.NoSchedule));
                wanted.Add((NodeTaintKeys.Unreachable, NodeTaintKeys.NoExecute));
                break;
        }
        foreach (var (type, key) in new[]
                 {
                     ("MemoryPressure", NodeTaintKeys.MemoryPressure),
                     ("DiskPressure", NodeTaintKeys.DiskPressure),
                     ("PIDPressure", NodeTaintKeys.PidPressure),
                     ("NetworkUnavailable", NodeTaintKeys.NetworkUnavailable),
                 })
        {
            if (NodeConditions.Find(node, type)?.Status == "True")
                wanted.Add((key, NodeTaintKeys.NoSchedule));
        }
        if (node.Spec?.Unschedulable == true)
            wanted.Add((NodeTaintKeys.Unschedulable, NodeTaintKeys.NoSchedule));
        return wanted;
    }

    /// <summary>
    /// The node's taints with the managed ones brought in line, or null when they already are. Taints
    /// kept keep their timeAdded (evictions count from it); a NoExecute taint added gets <paramref name="now"/>.
    /// </summary>
    public static List<V1Taint>? Reconcile(V1Node node, DateTime now)
    {
        var current = node.Spec?.Taints ?? [];
        var wanted = Wanted(node);
        var kept = current.Where(taint => !Managed.Contains((taint.Key, taint.Effect)) || wanted.Contains((taint.Key, taint.Effect))).ToList();
        var added = wanted.Where(want => !current.Any(taint => taint.Key == want.Key && taint.Effect == want.Effect))
            .Select(want => new V1Taint
            {
                Key = want.Key,
                Effect = want.Effect,
                TimeAdded = want.Effect == NodeTaintKeys.NoExecute ? now : null,
            })
            .ToList();
        return kept.Count == current.Count && added.Count == 0 ? null : [.. kept, .. added];
    }
}
