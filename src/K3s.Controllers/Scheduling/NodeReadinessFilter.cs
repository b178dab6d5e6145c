using k8s.Models;

namespace K3s.Controllers.Scheduling;

/// <summary>
/// Only Ready nodes take pods. Upstream, the node lifecycle controller taints a node that is not
/// Ready (not-ready) or not heard from (unreachable) with NoSchedule and the scheduler filters on
/// the taint; here the condition itself counts as that taint, so pods that tolerate it (DaemonSet
/// pods) still fit and the message is the one upstream gives.
/// </summary>
public sealed class NodeReadinessFilter : INodeFilter
{
    public IReadOnlyList<string> Check(PendingPod pod, NodeState node)
    {
        var ready = node.Node.Status?.Conditions?.FirstOrDefault(condition => condition.Type == "Ready")?.Status;
        if (ready == "True")
            return [];
        var taint = new V1Taint
        {
            Key = ready == "False" ? "node.kubernetes.io/not-ready" : "node.kubernetes.io/unreachable",
            Effect = "NoSchedule",
        };
        return Tolerations.Tolerate(pod.Pod.Spec.Tolerations, taint) ? [] : [$"node(s) had untolerated taint {{{taint.Key}: }}"];
    }
}
