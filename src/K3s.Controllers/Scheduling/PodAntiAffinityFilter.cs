using K3s.Controllers.Runtime;
using k8s.Models;

namespace K3s.Controllers.Scheduling;

/// <summary>
/// Required pod anti-affinity, both ways: the pod may not join a topology domain (the nodes sharing
/// the value of the term's topologyKey; kubernetes.io/hostname makes each node one) that holds a
/// pod its terms select, nor one holding a pod whose own terms select it. Built per decision, as
/// it looks at every node's pods.
/// </summary>
public sealed class PodAntiAffinityFilter : INodeFilter
{
    public const string HostnameLabel = "kubernetes.io/hostname";

    private readonly HashSet<(string TopologyKey, string Value)> avoidedByPod = [];
    private readonly HashSet<(string TopologyKey, string Value)> avoidedByOthers = [];

    public PodAntiAffinityFilter(PendingPod pending, ClusterSnapshot snapshot)
    {
        var pod = pending.Pod;
        var terms = Terms(pod);
        foreach (var node in snapshot.Nodes)
        {
            // Plain loops: this runs for every pod in the cluster at every decision, and most pods have no terms.
            foreach (var placed in node.Pods)
            {
                foreach (var term in terms)
                    if (Selects(term, pod, placed))
                        Avoid(avoidedByPod, term, node);
                foreach (var term in Terms(placed))
                    if (Selects(term, placed, pod))
                        Avoid(avoidedByOthers, term, node);
            }
        }
    }

    public IReadOnlyList<string> Check(PendingPod pod, NodeState node)
    {
        if (InDomain(avoidedByPod, node))
            return ["node(s) didn't match pod anti-affinity rules"];
        if (InDomain(avoidedByOthers, node))
            return ["node(s) didn't satisfy existing pods anti-affinity rules"];
        return [];
    }

    private static IList<V1PodAffinityTerm> Terms(V1Pod pod) =>
        pod.Spec?.Affinity?.PodAntiAffinity?.RequiredDuringSchedulingIgnoredDuringExecution ?? [];

    /// <summary>
    /// Whether <paramref name="owner"/>'s term selects <paramref name="other"/>: its namespaces (the
    /// owner's own when none are listed; every namespace with an empty namespaceSelector) and its labels.
    /// </summary>
    private static bool Selects(V1PodAffinityTerm term, V1Pod owner, V1Pod other)
    {
        if (ReferenceEquals(owner, other) || owner.Metadata.Uid is { } uid && uid == other.Metadata.Uid)
            return false;
        IList<string> namespaces = term.Namespaces is { Count: > 0 } listed ? listed : [owner.Metadata.NamespaceProperty];
        var anyNamespace = term.NamespaceSelector is { MatchLabels: null or { Count: 0 }, MatchExpressions: null or { Count: 0 } };
        return (anyNamespace || namespaces.Contains(other.Metadata.NamespaceProperty))
            && LabelSelectors.Matches(term.LabelSelector, other.Metadata.Labels);
    }

    private static void Avoid(HashSet<(string, string)> domains, V1PodAffinityTerm term, NodeState node)
    {
        if (Domain(node, term.TopologyKey) is { } value)
            domains.Add((term.TopologyKey, value));
    }

    private static bool InDomain(HashSet<(string TopologyKey, string Value)> domains, NodeState node) =>
        domains.Any(domain => Domain(node, domain.TopologyKey) == domain.Value);

    /// <summary>The node's value of a topology key; a node registered without its hostname label is its own host.</summary>
    private static string? Domain(NodeState node, string topologyKey) =>
        node.Labels.TryGetValue(topologyKey, out var value) ? value
        : topologyKey == HostnameLabel ? node.Name
        : null;
}
