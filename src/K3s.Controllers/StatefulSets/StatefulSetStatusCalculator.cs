using k8s.Models;
using K3s.Controllers.Workloads;

namespace K3s.Controllers.StatefulSets;

/// <summary>
/// A stateful set's status from its pods, as upstream's computeReplicaStatus: pods at the current and
/// at the update revision counted apart; once every replica is updated and ready, the update revision
/// becomes the current one (what kubectl rollout status waits for).
/// </summary>
public static class StatefulSetStatusCalculator
{
    public static V1StatefulSetStatus Calculate(V1StatefulSet set, IReadOnlyCollection<V1Pod> pods, string currentRevision, string updateRevision, DateTime now)
    {
        var live = pods.Where(pod => !StatefulPods.IsTerminating(pod) && !StatefulPods.IsFinished(pod)).ToList();
        var status = new V1StatefulSetStatus
        {
            Replicas = live.Count,
            ReadyReplicas = live.Count(pod => pod.Status?.Phase == "Running" && PodStates.IsReady(pod)),
            AvailableReplicas = live.Count(pod => StatefulPods.IsHealthy(set, pod, now)),
            CurrentReplicas = live.Count(pod => StatefulPods.RevisionOf(pod) == currentRevision),
            UpdatedReplicas = live.Count(pod => StatefulPods.RevisionOf(pod) == updateRevision),
            CurrentRevision = currentRevision,
            UpdateRevision = updateRevision,
            ObservedGeneration = set.Metadata.Generation,
            CollisionCount = set.Status?.CollisionCount,
            Conditions = set.Status?.Conditions,
        };
        var replicas = set.Spec.Replicas ?? 1;
        if (status.UpdatedReplicas == replicas && status.ReadyReplicas == replicas && status.Replicas == replicas)
        {
            status.CurrentRevision = updateRevision;
            status.CurrentReplicas = status.UpdatedReplicas;
        }
        return status;
    }

    public static bool SameAs(V1StatefulSetStatus? current, V1StatefulSetStatus wanted) =>
        current is not null
        && current.Replicas == wanted.Replicas
        && (current.ReadyReplicas ?? 0) == wanted.ReadyReplicas
        && (current.AvailableReplicas ?? 0) == wanted.AvailableReplicas
        && (current.CurrentReplicas ?? 0) == wanted.CurrentReplicas
        && (current.UpdatedReplicas ?? 0) == wanted.UpdatedReplicas
        && current.CurrentRevision == wanted.CurrentRevision
        && current.UpdateRevision == wanted.UpdateRevision
        && current.ObservedGeneration == wanted.ObservedGeneration;
}
