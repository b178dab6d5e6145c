using k8s.Models;

namespace K3s.Controllers.Scheduling;

/// <summary>A cordoned node (spec.unschedulable) takes only pods that tolerate its unschedulable taint.</summary>
public sealed class NodeUnschedulableFilter : INodeFilter
{
    private static readonly V1Taint Unschedulable = new() { Key = "node.kubernetes.io/unschedulable", Effect = "NoSchedule" };

    public IReadOnlyList<string> Check(PendingPod pod, NodeState node) =>
        node.Node.Spec?.Unschedulable == true && !Tolerations.Tolerate(pod.Pod.Spec.Tolerations, Unschedulable)
            ? ["node(s) were unschedulable"]
            : [];
}
