using k8s.Models;
using K3s.Controllers.Workloads;

namespace K3s.Controllers.Jobs;

/// <summary>
/// Where a Job stands, counted from the pods it controls: active (running or pending, not being
/// deleted), succeeded and failed by phase, terminating, and for an Indexed Job which indexes succeeded.
/// Upstream keeps finished pods with the batch.kubernetes.io/job-tracking finalizer until it has
/// counted them; here they are counted while they exist, which they do until the Job goes (nothing but
/// a user deletes a Job's finished pods, and the counts then drop with them).
/// </summary>
public sealed class JobProgress
{
    private JobProgress(V1Job job, IReadOnlyList<V1Pod> pods)
    {
        Active = pods.Where(PodStates.IsActive).ToList();
        Succeeded = pods.Where(pod => pod.Status?.Phase == "Succeeded").ToList();
        Failed = pods.Where(pod => pod.Status?.Phase == "Failed").ToList();
        Terminating = pods.Count(pod => pod.Metadata.DeletionTimestamp is not null && pod.Status?.Phase is not ("Succeeded" or "Failed"));
        if (IsIndexed(job))
            SucceededIndexes = Succeeded.Select(pod => JobPods.IndexOf(pod, job.Spec.Completions ?? 0)).OfType<int>().ToHashSet();
    }

    public static JobProgress Of(V1Job job, IEnumerable<V1Pod> pods) => new(job, pods.ToList());

    public static bool IsIndexed(V1Job job) => job.Spec.CompletionMode == "Indexed" && job.Spec.Completions is not null;

    public List<V1Pod> Active { get; }

    public IReadOnlyList<V1Pod> Succeeded { get; }

    public IReadOnlyList<V1Pod> Failed { get; }

    public int Terminating { get; }

    /// <summary>Null for a NonIndexed Job.</summary>
    public IReadOnlySet<int>? SucceededIndexes { get; }

    /// <summary>Completions so far: succeeded pods, or succeeded indexes of an Indexed Job.</summary>
    public int SucceededCount => SucceededIndexes?.Count ?? Succeeded.Count;

    /// <summary>Container restarts in active pods: with restartPolicy OnFailure the kubelet retries in place, so these are the failures.</summary>
    public int RestartsOfActive => Active.Sum(pod =>
        (pod.Status?.ContainerStatuses ?? []).Concat(pod.Status?.InitContainerStatuses ?? []).Sum(container => container.RestartCount));
}
