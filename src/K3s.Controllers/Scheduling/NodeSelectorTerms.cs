using k8s.Models;
using K3s.Controllers.Runtime;

namespace K3s.Controllers.Scheduling;

/// <summary>The terms of required node affinity, matched against a node.</summary>
public static class NodeSelectorTerms
{
    /// <summary>One term: its label and field requirements all hold; an empty term matches nothing.</summary>
    public static bool Matches(V1NodeSelectorTerm term, V1Node node)
    {
        var expressions = term.MatchExpressions ?? [];
        var fields = term.MatchFields ?? [];
        if (expressions.Count == 0 && fields.Count == 0)
            return false;
        var labels = node.Metadata.Labels ?? new Dictionary<string, string>();
        return expressions.All(requirement => LabelSelectors.Holds(requirement.OperatorProperty, labels.TryGetValue(requirement.Key, out var actual) ? actual : null, requirement.Values))
            && fields.All(requirement => requirement.Key == "metadata.name" && LabelSelectors.Holds(requirement.OperatorProperty, node.Metadata.Name, requirement.Values));
    }
}
