using k8s.Models;

namespace K3s.Controllers.Scheduling;

/// <summary>
/// One scheduling decision, as kube-scheduler's framework makes it: every filter in turn on every
/// node (the first that fails a node gives its reasons), the scorers on the nodes left, the highest
/// total wins and ties are broken at random so equal nodes share the load.
/// </summary>
public sealed class SchedulingAlgorithm
{
    private static readonly INodeFilter[] NodeFilters =
    [
        new NodeUnschedulableFilter(),
        new NodeReadinessFilter(),
        new TaintFilter(),
        new NodeAffinityFilter(),
        new ResourceFitFilter(),
    ];

    private static readonly INodeScorer[] Scorers = [new LeastAllocatedScorer(), new OwnerSpreadScorer()];

    public ScheduleResult Schedule(V1Pod pod, ClusterSnapshot snapshot)
    {
        var pending = new PendingPod(pod);
        INodeFilter[] filters = [.. NodeFilters, new PodAntiAffinityFilter(pending, snapshot)];
        var feasible = new List<NodeState>();
        var reasons = new Dictionary<string, int>();
        foreach (var node in snapshot.Nodes)
        {
            var failed = filters.Select(filter => filter.Check(pending, node)).FirstOrDefault(found => found.Count > 0);
            if (failed is null)
            {
                feasible.Add(node);
                continue;
            }
            foreach (var reason in failed)
                reasons[reason] = reasons.GetValueOrDefault(reason) + 1;
        }
        if (feasible.Count == 0)
            return ScheduleResult.Unschedulable(FailureMessage(snapshot.Nodes.Count, reasons));
        return ScheduleResult.On(Best(pending, feasible).Name);
    }

    private static NodeState Best(PendingPod pod, List<NodeState> feasible)
    {
        var totals = new long[feasible.Count];
        foreach (var scorer in Scorers)
        {
            var scores = scorer.Score(pod, feasible);
            for (var i = 0; i < totals.Length; i++)
                totals[i] += scores[i];
        }
        var top = totals.Max();
        var best = Enumerable.Range(0, totals.Length).Where(i => totals[i] == top).ToList();
        return feasible[best[Random.Shared.Next(best.Count)]];
    }

    /// <summary>Upstream's wording: "0/3 nodes are available: 1 Insufficient cpu, 2 node(s) didn't match …." with the counts sorted as text.</summary>
    public static string FailureMessage(int nodeCount, IReadOnlyDictionary<string, int> reasons)
    {
        if (nodeCount == 0)
            return "no nodes available to schedule pods";
        var counted = reasons.Select(reason => $"{reason.Value} {reason.Key}").Order(StringComparer.Ordinal);
        return $"0/{nodeCount} nodes are available: {string.Join(", ", counted)}.";
    }
}
