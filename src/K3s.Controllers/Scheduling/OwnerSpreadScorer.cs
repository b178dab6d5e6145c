namespace K3s.Controllers.Scheduling;

/// <summary>
/// Spreads the pods of one owner (a ReplicaSet's replicas) over the nodes: a node with none of them
/// scores 100, the node with the most scores 0. Pods without a controlling owner score alike everywhere.
/// </summary>
public sealed class OwnerSpreadScorer : INodeScorer
{
    public IReadOnlyList<long> Score(PendingPod pod, IReadOnlyList<NodeState> feasible)
    {
        if (pod.OwnerUid is not { } owner)
            return feasible.Select(_ => 0L).ToList();
        var counts = feasible.Select(node => node.Pods.Count(placed => PendingPod.ControllerUid(placed) == owner)).ToList();
        var most = counts.Max();
        return counts.Select(count => most == 0 ? 100L : 100L * (most - count) / most).ToList();
    }
}
