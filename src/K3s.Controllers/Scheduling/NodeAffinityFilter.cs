using K3s.Controllers.Runtime;
namespace K3s.Controllers.Scheduling;

/// <summary>
/// The pod's nodeSelector (every label equal) and its required node affinity (any one of the
/// nodeSelectorTerms matches) must both hold for the node.
/// </summary>
public sealed class NodeAffinityFilter : INodeFilter
{
    public IReadOnlyList<string> Check(PendingPod pod, NodeState node)
    {
        var spec = pod.Pod.Spec;
        var selected = spec.NodeSelector is null || LabelSelectors.MatchesMap(spec.NodeSelector, node.Labels);
        var required = spec.Affinity?.NodeAffinity?.RequiredDuringSchedulingIgnoredDuringExecution;
        var affine = required is null || required.NodeSelectorTerms.Any(term => NodeSelectorTerms.Matches(term, node.Node));
        return selected && affine ? [] : ["node(s) didn't match Pod's node affinity/selector"];
    }
}
