using k8s.Models;

namespace K3s.Controllers.Workloads;

/// <summary>How the workload controllers read a pod's state (upstream's podutil helpers).</summary>
public static class PodStates
{
    /// <summary>Counts towards replicas: not finished and not being deleted.</summary>
    public static bool IsActive(V1Pod pod) =>
        pod.Status?.Phase is not ("Succeeded" or "Failed") && pod.Metadata.DeletionTimestamp is null;

    public static bool IsReady(V1Pod pod) => ReadyCondition(pod)?.Status == "True";

    /// <summary>Ready for at least minReadySeconds (counted from the Ready condition's last transition).</summary>
    public static bool IsAvailable(V1Pod pod, int minReadySeconds, DateTime now) => AvailableIn(pod, minReadySeconds, now) == TimeSpan.Zero;

    /// <summary>How long until a ready pod counts as available: zero if it is; null if it is not ready.</summary>
    public static TimeSpan? AvailableIn(V1Pod pod, int minReadySeconds, DateTime now)
    {
        var ready = ReadyCondition(pod);
        if (ready?.Status != "True")
            return null;
        if (minReadySeconds <= 0 || ready.LastTransitionTime is not { } since)
            return TimeSpan.Zero;
        var remaining = since.ToUniversalTime() + TimeSpan.FromSeconds(minReadySeconds) - now;
        return remaining > TimeSpan.Zero ? remaining : TimeSpan.Zero;
    }

    private static V1PodCondition? ReadyCondition(V1Pod pod) =>
        pod.Status?.Conditions?.FirstOrDefault(condition => condition.Type == "Ready");
}
