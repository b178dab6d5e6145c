using k8s.Models;
using K3s.Controllers.Workloads;

namespace K3s.Controllers.DaemonSets;

/// <summary>One node as a daemon set's status counts it: where it should run, and its active daemon pods there.</summary>
public sealed record DaemonNode(V1Node Node, DaemonPlacement Placement, IReadOnlyList<V1Pod> Pods);

/// <summary>A daemon set's status from its nodes, as upstream's updateDaemonSetStatus: the columns kubectl get ds shows.</summary>
public static class DaemonSetStatusCalculator
{
    public static V1DaemonSetStatus Calculate(V1DaemonSet daemonSet, IReadOnlyCollection<DaemonNode> nodes, string revisionHash, DateTime now)
    {
        var minReadySeconds = daemonSet.Spec.MinReadySeconds ?? 0;
        var wanted = nodes.Where(node => node.Placement.ShouldRun).ToList();
        var scheduled = wanted.Where(node => node.Pods.Count > 0).ToList();
        var available = scheduled.Count(node => node.Pods.Any(pod => PodStates.IsAvailable(pod, minReadySeconds, now)));
        return new V1DaemonSetStatus
        {
            DesiredNumberScheduled = wanted.Count,
            CurrentNumberScheduled = scheduled.Count,
            NumberMisscheduled = nodes.Count(node => !node.Placement.ShouldRun && node.Pods.Count > 0),
            NumberReady = scheduled.Count(node => node.Pods.Any(PodStates.IsReady)),
            NumberAvailable = available,
            NumberUnavailable = wanted.Count - available,
            UpdatedNumberScheduled = scheduled.Count(node => node.Pods.Any(pod => DaemonPods.RevisionHashOf(pod) == revisionHash)),
            ObservedGeneration = daemonSet.Metadata.Generation,
            CollisionCount = daemonSet.Status?.CollisionCount,
            Conditions = daemonSet.Status?.Conditions,
        };
    }

    public static bool SameAs(V1DaemonSetStatus? current, V1DaemonSetStatus wanted) =>
        current is not null
        && current.DesiredNumberScheduled == wanted.DesiredNumberScheduled
        && current.CurrentNumberScheduled == wanted.CurrentNumberScheduled
        && current.NumberMisscheduled == wanted.NumberMisscheduled
        && (current.NumberReady) == wanted.NumberReady
        && (current.NumberAvailable ?? 0) == wanted.NumberAvailable
        && (current.NumberUnavailable ?? 0) == wanted.NumberUnavailable
        && (current.UpdatedNumberScheduled ?? 0) == wanted.UpdatedNumberScheduled
        && current.ObservedGeneration == wanted.ObservedGeneration;
}
