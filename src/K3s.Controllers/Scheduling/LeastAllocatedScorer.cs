namespace K3s.Controllers.Scheduling;

/// <summary>
/// Upstream's default NodeResourcesFit scoring: the share of cpu and of memory a node would still
/// have free with the pod on it, averaged; emptier nodes score higher, so load spreads.
/// </summary>
public sealed class LeastAllocatedScorer : INodeScorer
{
    public IReadOnlyList<long> Score(PendingPod pod, IReadOnlyList<NodeState> feasible) =>
        feasible.Select(node => (Free(node.Allocatable(PodRequests.Cpu), node.CpuForScoring + pod.ForScoring.Cpu)
            + Free(node.Allocatable(PodRequests.Memory), node.MemoryForScoring + pod.ForScoring.Memory)) / 2).ToList();

    private static long Free(decimal allocatable, decimal requested) =>
        allocatable <= 0 || requested > allocatable ? 0 : (long)((allocatable - requested) * 100 / allocatable);
}
