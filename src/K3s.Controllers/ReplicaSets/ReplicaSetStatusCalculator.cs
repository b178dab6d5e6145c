using k8s.Models;
using K3s.Controllers.Workloads;

namespace K3s.Controllers.ReplicaSets;

/// <summary>A replica set's status from its active pods, as upstream's calculateStatus.</summary>
public static class ReplicaSetStatusCalculator
{
    public static V1ReplicaSetStatus Calculate(V1ReplicaSet replicaSet, IReadOnlyCollection<V1Pod> activePods, DateTime now)
    {
        var templateLabels = replicaSet.Spec.Template?.Metadata?.Labels ?? new Dictionary<string, string>();
        var minReadySeconds = replicaSet.Spec.MinReadySeconds ?? 0;
        return new V1ReplicaSetStatus
        {
            Replicas = activePods.Count,
            FullyLabeledReplicas = activePods.Count(pod => templateLabels.All(label =>
                pod.Metadata.Labels?.TryGetValue(label.Key, out var value) == true && value == label.Value)),
            ReadyReplicas = activePods.Count(PodStates.IsReady),
            AvailableReplicas = activePods.Count(pod => PodStates.IsAvailable(pod, minReadySeconds, now)),
            ObservedGeneration = replicaSet.Metadata.Generation,
            Conditions = replicaSet.Status?.Conditions,
        };
    }

    public static bool SameAs(V1ReplicaSetStatus? current, V1ReplicaSetStatus wanted) =>
        current is not null
        && current.Replicas == wanted.Replicas
        && (current.FullyLabeledReplicas ?? 0) == wanted.FullyLabeledReplicas
        && (current.ReadyReplicas ?? 0) == wanted.ReadyReplicas
        && (current.AvailableReplicas ?? 0) == wanted.AvailableReplicas
        && current.ObservedGeneration == wanted.ObservedGeneration;

    /// <summary>When the next ready pod becomes available (minReadySeconds), so the status is looked at again then.</summary>
    public static TimeSpan? NextAvailability(V1ReplicaSet replicaSet, IEnumerable<V1Pod> activePods, DateTime now)
    {
        var waits = activePods
            .Select(pod => PodStates.AvailableIn(pod, replicaSet.Spec.MinReadySeconds ?? 0, now))
            .Where(wait => wait > TimeSpan.Zero)
            .Select(wait => wait!.Value)
            .ToList();
        return waits.Count == 0 ? null : waits.Min() + TimeSpan.FromMilliseconds(100);
    }
}
