using k8s.Models;

namespace K3s.Controllers.ReplicaSets;

/// <summary>
/// Which pods a replica set deletes first when it has too many, as upstream ranks them: unscheduled
/// before scheduled, Pending before Unknown before Running, not ready before ready, ready for less
/// time before longer, more restarts before fewer, newer before older. The least useful go first.
/// </summary>
public static class PodDeletionOrder
{
    public static IEnumerable<V1Pod> FirstToDelete(IEnumerable<V1Pod> pods) => pods
        .OrderBy(pod => string.IsNullOrEmpty(pod.Spec?.NodeName) ? 0 : 1)
        .ThenBy(pod => pod.Status?.Phase switch { "Pending" => 0, "Unknown" => 1, "Running" => 2, _ => 0 })
        .ThenBy(pod => ReadySince(pod) is null ? 0 : 1)
        .ThenByDescending(pod => ReadySince(pod) ?? DateTime.MaxValue)
        .ThenByDescending(pod => pod.Status?.ContainerStatuses?.Sum(container => container.RestartCount) ?? 0)
        .ThenByDescending(pod => pod.Metadata.CreationTimestamp ?? DateTime.MaxValue);

    private static DateTime? ReadySince(V1Pod pod)
    {
        var ready = pod.Status?.Conditions?.FirstOrDefault(condition => condition.Type == "Ready");
        return ready?.Status == "True" ? ready.LastTransitionTime ?? DateTime.MaxValue : null;
    }
}
