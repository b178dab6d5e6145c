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
            // Only a pod without a node needs its key (to look for it among the assumed): most have a node.
            var nodeName = !string.IsNullOrEmpty(pod.Spec?.NodeName) ? pod.Spec.NodeName
                : assumed.Count > 0 ? assumed.GetValueOrDefault(ObjectKey.Of(pod))
                : null;
            if (nodeName is not null && byName.TryGetValue(nodeName, out var node) && Occupies(pod))
                node.Add(pod);
        }
    }

    public IReadOnlyList<NodeState> Nodes { get; }

    /// <summary>A pod that has finished holds nothing on its node any more.</summary>
    private static bool Occupies(V1Pod pod) => pod.Status?.Phase is not ("Succeeded" or "Failed");
}
