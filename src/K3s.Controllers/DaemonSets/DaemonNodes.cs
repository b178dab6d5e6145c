using k8s.Models;
using K3s.Controllers.Runtime;
using K3s.Controllers.Scheduling;

namespace K3s.Controllers.DaemonSets;

/// <summary>Whether a node should get a daemon pod, and whether one already there may stay.</summary>
public readonly record struct DaemonPlacement(bool ShouldRun, bool ShouldContinueRunning);

/// <summary>
/// Upstream's NodeShouldRunDaemonPod: the template's nodeName, nodeSelector and required node affinity
/// must match the node, and the daemon pod (with its automatic tolerations) must tolerate the node's
/// NoSchedule and NoExecute taints. A pod on a node whose new taint it does not tolerate may stay
/// unless that taint is NoExecute.
/// </summary>
public static class DaemonNodes
{
    public static DaemonPlacement Evaluate(V1DaemonSet daemonSet, V1Node node)
    {
        var spec = daemonSet.Spec.Template.Spec;
        if (!string.IsNullOrEmpty(spec.NodeName) && spec.NodeName != node.Metadata.Name)
            return new(false, false);
        var selected = spec.NodeSelector is null || LabelSelectors.MatchesMap(spec.NodeSelector, node.Metadata.Labels);
        var required = spec.Affinity?.NodeAffinity?.RequiredDuringSchedulingIgnoredDuringExecution;
        var affine = required?.NodeSelectorTerms is not { Count: > 0 } terms || terms.Any(term => NodeSelectorTerms.Matches(term, node));
        if (!selected || !affine)
            return new(false, false);
        var tolerations = DaemonTolerations.AddTo(spec);
        var untolerated = TaintsOf(node).Where(taint => taint.Effect is "NoSchedule" or "NoExecute" && !Tolerations.Tolerate(tolerations, taint)).ToList();
        if (untolerated.Count == 0)
            return new(true, true);
        return new(false, untolerated.All(taint => taint.Effect != "NoExecute"));
    }

    /// <summary>
    /// The node's taints and those upstream's node lifecycle controller would add: not-ready or
    /// unreachable while the node is not Ready, unschedulable while it is cordoned. No controller here
    /// writes them, so they are read from the node's condition and spec as the scheduler reads them.
    /// </summary>
    public static IEnumerable<V1Taint> TaintsOf(V1Node node)
    {
        foreach (var taint in node.Spec?.Taints ?? [])
            yield return taint;
        var ready = node.Status?.Conditions?.FirstOrDefault(condition => condition.Type == "Ready")?.Status;
        if (ready != "True")
            yield return new V1Taint { Key = ready == "False" ? "node.kubernetes.io/not-ready" : "node.kubernetes.io/unreachable", Effect = "NoSchedule" };
        if (node.Spec?.Unschedulable == true)
            yield return new V1Taint { Key = "node.kubernetes.io/unschedulable", Effect = "NoSchedule" };
    }
}
