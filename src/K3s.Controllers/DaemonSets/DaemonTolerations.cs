using k8s.Models;

namespace K3s.Controllers.DaemonSets;

/// <summary>
/// The tolerations upstream adds to every daemon pod, so node trouble neither evicts it nor keeps it
/// off a node: a daemon (a log shipper, a network agent) belongs on its node whatever the node's state.
/// </summary>
public static class DaemonTolerations
{
    public static IEnumerable<V1Toleration> For(V1PodSpec spec)
    {
        // NoExecute without tolerationSeconds: never evicted from a node that is not ready or unreachable.
        yield return Exists("node.kubernetes.io/not-ready", "NoExecute");
        yield return Exists("node.kubernetes.io/unreachable", "NoExecute");
        yield return Exists("node.kubernetes.io/disk-pressure", "NoSchedule");
        yield return Exists("node.kubernetes.io/memory-pressure", "NoSchedule");
        yield return Exists("node.kubernetes.io/pid-pressure", "NoSchedule");
        yield return Exists("node.kubernetes.io/unschedulable", "NoSchedule");
        // A host-network pod does not need the pod network; it is often what brings the network up.
        if (spec.HostNetwork == true)
            yield return Exists("node.kubernetes.io/network-unavailable", "NoSchedule");
    }

    /// <summary>The template's tolerations plus the automatic ones it does not already have.</summary>
    public static List<V1Toleration> AddTo(V1PodSpec spec)
    {
        var tolerations = (spec.Tolerations ?? []).ToList();
        foreach (var automatic in For(spec))
        {
            if (!tolerations.Any(t => t.Key == automatic.Key && t.Effect == automatic.Effect && t.OperatorProperty == automatic.OperatorProperty && t.TolerationSeconds is null))
                tolerations.Add(automatic);
        }
        return tolerations;
    }

    private static V1Toleration Exists(string key, string effect) => new() { Key = key, OperatorProperty = "Exists", Effect = effect };
}
