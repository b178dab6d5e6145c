using k8s.Models;

namespace K3s.Controllers.Scheduling;

/// <summary>
/// Only Ready nodes take pods. The node lifecycle controller taints a node that is not Ready
/// (not-ready) or not heard from (unreachable) with NoSchedule and <see cref="TaintFilter"/> keeps
/// pods off through the taint; the condition counts as that taint here as well, for the moment
/// between a node turning (or registering) not Ready and the taint landing. Pods that tolerate it
/// (DaemonSet pods) still fit and the message is the one upstream gives.
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
