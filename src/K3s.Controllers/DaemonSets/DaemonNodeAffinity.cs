using k8s.Models;

namespace K3s.Controllers.DaemonSets;

/// <summary>
/// How a daemon pod is tied to its node, as upstream since 1.12: a required node affinity term on the
/// node's metadata.name, which our scheduler then honours like any other (NodeAffinityFilter). Binding
/// through the scheduler rather than setting spec.nodeName keeps the node's room honest (resource fit
/// counts the daemon pod) and gives the pod its PodScheduled condition and Scheduled event as upstream.
/// </summary>
public static class DaemonNodeAffinity
{
    private const string NodeNameField = "metadata.name";

    /// <summary>The template's affinity with every required term narrowed to this node (its label expressions kept).</summary>
    public static V1Affinity For(V1Affinity? template, string nodeName)
    {
        var affinity = template ?? new V1Affinity();
        affinity.NodeAffinity ??= new V1NodeAffinity();
        var nodeField = new V1NodeSelectorRequirement { Key = NodeNameField, OperatorProperty = "In", Values = [nodeName] };
        var required = affinity.NodeAffinity.RequiredDuringSchedulingIgnoredDuringExecution;
        if (required?.NodeSelectorTerms is not { Count: > 0 } terms)
        {
            affinity.NodeAffinity.RequiredDuringSchedulingIgnoredDuringExecution = new V1NodeSelector { NodeSelectorTerms = [new V1NodeSelectorTerm { MatchFields = [nodeField] }] };
            return affinity;
        }
        foreach (var term in terms)
            term.MatchFields = [nodeField];
        return affinity;
    }

    /// <summary>The node a daemon pod runs on or is meant for: its spec.nodeName, else the node its affinity names (upstream's GetTargetNodeName).</summary>
    public static string? TargetNodeOf(V1Pod pod)
    {
        if (!string.IsNullOrEmpty(pod.Spec?.NodeName))
            return pod.Spec.NodeName;
        return pod.Spec?.Affinity?.NodeAffinity?.RequiredDuringSchedulingIgnoredDuringExecution?.NodeSelectorTerms?
            .SelectMany(term => term.MatchFields ?? [])
            .FirstOrDefault(field => field.Key == NodeNameField && field.OperatorProperty == "In" && field.Values?.Count == 1)?
            .Values[0];
    }
}
