using k8s.Models;
using K3s.Controllers.Runtime;

namespace K3s.Controllers.Scheduling;

/// <summary>
/// Every node with the pods that occupy it, taken from the informers' caches plus the pods this
/// scheduler has bound whose binding the pod cache has not shown yet.
/// </summary>
public sealed class ClusterSnapshot
{
    public ClusterSnapshot(IEnumerable<V1Node> nodes, IEnumerable<V1Pod> pods, IReadOnlyDictionary<string, string> assumed)
    {
        Nodes = nodes.OrderBy(node => node.Metadata.Name, StringComparer.Ordinal).Select(node => new NodeState(node)).ToList();
        var byName = Nodes.ToDictionary(node => node.Name);
        foreach (var pod in pods)
        {
            var nodeName = string.IsNullOrEmpty(pod.Spec?.NodeName) ? assumed.GetValueOrDefault(ObjectKey.Of(pod)) : pod.Spec.NodeName;
            if (nodeName is not null && byName.TryGetValue(nodeName, out var node) && Occupies(pod))
                node.Add(pod);
        }
    }

    public IReadOnlyList<NodeState> Nodes { get; }

    /// <summary>A pod that has finished holds nothing on its node any more.</summary>
    private static bool Occupies(V1Pod pod) => pod.Status?.Phase is not ("Succeeded" or "Failed");
}
