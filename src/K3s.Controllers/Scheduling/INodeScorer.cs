namespace K3s.Controllers.Scheduling;

/// <summary>How much a node that fits suits the pod, 0 to 100 for each node; the scores of all scorers add up.</summary>
public interface INodeScorer
{
    IReadOnlyList<long> Score(PendingPod pod, IReadOnlyList<NodeState> feasible);
}
