using k8s.Models;
using K3s.Controllers.Deployments;
using K3s.Controllers.Workloads;

namespace K3s.Controllers.DaemonSets;

/// <summary>
/// Which old daemon pods a RollingUpdate pass deletes, as upstream's rollingUpdate without surge: an
/// old pod that is not available anyway goes at once; available old pods go only while fewer than
/// maxUnavailable (default 1, a percentage of the desired nodes rounded up) of the nodes lack an
/// available pod. The next pass creates the new pods where old ones went.
/// </summary>
public static class DaemonSetRollingUpdate
{
    public static bool IsRollingUpdate(V1DaemonSet daemonSet) => daemonSet.Spec.UpdateStrategy?.Type is null or "RollingUpdate";

    public static int MaxUnavailable(V1DaemonSet daemonSet, int desired)
    {
        var unavailable = RolloutFenceposts.Scaled(daemonSet.Spec.UpdateStrategy?.RollingUpdate?.MaxUnavailable, "1", desired, roundUp: true);
        return Math.Max(1, unavailable);
    }

    public static List<V1Pod> OldPodsToDelete(V1DaemonSet daemonSet, IReadOnlyCollection<DaemonNode> nodes, string revisionHash, DateTime now)
    {
        var minReadySeconds = daemonSet.Spec.MinReadySeconds ?? 0;
        var wanted = nodes.Where(node => node.Placement.ShouldRun).ToList();
        var maxUnavailable = MaxUnavailable(daemonSet, wanted.Count);
        var unavailable = 0;
        var replaceAnyway = new List<V1Pod>();
        var candidates = new List<V1Pod>();
        foreach (var node in wanted)
        {
            var updated = node.Pods.Where(pod => DaemonPods.RevisionHashOf(pod) == revisionHash).ToList();
            var old = node.Pods.Except(updated).ToList();
            if (updated.Count + old.Count != 1)
            {
                // No pod yet, or more than one: the manage step is creating or deleting there; unavailable meanwhile.
                unavailable++;
                continue;
            }
            if (updated.Count == 1)
            {
                if (!PodStates.IsAvailable(updated[0], minReadySeconds, now))
                    unavailable++;
                continue;
            }
            if (PodStates.IsAvailable(old[0], minReadySeconds, now))
                candidates.Add(old[0]);
            else
                replaceAnyway.Add(old[0]);
        }
        var room = Math.Max(0, maxUnavailable - unavailable - replaceAnyway.Count);
        return [.. replaceAnyway, .. candidates.OrderBy(pod => pod.Metadata.Name, StringComparer.Ordinal).Take(room)];
    }
}
