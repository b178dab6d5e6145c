namespace K3s.Controllers.Scheduling;

/// <summary>A node's NoSchedule and NoExecute taints keep off every pod that does not tolerate them (PreferNoSchedule only weighs).</summary>
public sealed class TaintFilter : INodeFilter
{
    public IReadOnlyList<string> Check(PendingPod pod, NodeState node)
    {
        var untolerated = (node.Node.Spec?.Taints ?? [])
            .FirstOrDefault(taint => taint.Effect is "NoSchedule" or "NoExecute" && !Tolerations.Tolerate(pod.Pod.Spec.Tolerations, taint));
        return untolerated is null ? [] : [$"node(s) had untolerated taint {{{untolerated.Key}: {untolerated.Value}}}"];
    }
}
