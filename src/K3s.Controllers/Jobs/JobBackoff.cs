using k8s.Models;

namespace K3s.Controllers.Jobs;

/// <summary>
/// How long a Job waits before replacing a failed pod, as upstream: 10 s after the first failure,
/// doubling with each further one, at most 6 minutes, counted from when the last failed pod finished.
/// Upstream counts consecutive failures since the last success; failed pods are counted here, which
/// differs only for a Job whose pods both fail and succeed.
/// </summary>
public static class JobBackoff
{
    private static readonly TimeSpan Initial = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan Maximum = TimeSpan.FromMinutes(6);

    /// <summary>Zero when a new pod may be created now.</summary>
    public static TimeSpan Remaining(IReadOnlyCollection<V1Pod> failedPods, DateTime now)
    {
        if (failedPods.Count == 0)
            return TimeSpan.Zero;
        var delay = TimeSpan.FromTicks((long)Math.Min(Maximum.Ticks, Initial.Ticks * Math.Pow(2, failedPods.Count - 1)));
        var lastFailure = failedPods.Max(FinishedAt);
        var remaining = lastFailure + delay - now;
        return remaining > TimeSpan.Zero ? remaining : TimeSpan.Zero;
    }

    /// <summary>When a pod finished: its last container to terminate; failing that the Ready condition's last change, or its creation.</summary>
    public static DateTime FinishedAt(V1Pod pod)
    {
        var terminated = (pod.Status?.ContainerStatuses ?? [])
            .Select(container => container.State?.Terminated?.FinishedAt)
            .Where(time => time is not null)
            .Select(time => time!.Value)
            .ToList();
        var finished = terminated.Count > 0
            ? terminated.Max()
            : pod.Status?.Conditions?.FirstOrDefault(condition => condition.Type == "Ready")?.LastTransitionTime
              ?? pod.Metadata.CreationTimestamp ?? DateTime.UtcNow;
        return DateTime.SpecifyKind(finished.ToUniversalTime(), DateTimeKind.Utc);
    }
}
