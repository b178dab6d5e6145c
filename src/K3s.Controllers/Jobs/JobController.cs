using k8s;
using k8s.Models;
using K3s.Controllers.ReplicaSets;
using K3s.Controllers.Runtime;
using K3s.Controllers.Workloads;
using Microsoft.Extensions.Logging;

namespace K3s.Controllers.Jobs;

/// <summary>
/// Runs each Job's pods to completion, as kube-controller-manager's job controller: keeps up to
/// spec.parallelism pods running until spec.completions have succeeded (one per index for an Indexed
/// Job), replaces failed pods after a growing backoff, and finishes the Job Complete, or Failed once
/// past backoffLimit or activeDeadlineSeconds (deleting the pods still running). A suspended Job has
/// no running pods. status (active, ready, succeeded, failed, terminating, startTime, completionTime,
/// completedIndexes, conditions) is written through /status. A finished Job with
/// ttlSecondsAfterFinished is deleted that long after it finished (upstream's ttl-after-finished controller).
/// Each pass reads the Job and its namespace's pods from the API, so pods created by the previous
/// pass are never created twice because a cache lagged. Pods are the Job's by controller reference;
/// orphans matching the selector are not adopted.
/// </summary>
public sealed class JobController : IReconciler
{
    /// <summary>At most this many pods created or deleted per pass (as the replicaset controller's burst).</summary>
    private const int BurstPods = 500;

    private readonly Kubernetes client;
    private readonly TimeProvider clock;
    private readonly EventRecorder events;
    private readonly ILogger logger;

    public JobController(Kubernetes client, SharedInformers informers, ILoggerFactory loggers, TimeProvider? clock = null)
    {
        this.client = client;
        this.clock = clock ?? TimeProvider.System;
        logger = loggers.CreateLogger<JobController>();
        events = new EventRecorder(client, "job-controller", logger);
        informers.Jobs.Subscribe(Queue.Add);
        var podRouting = new DependentRouting<V1Pod, V1Job>(informers.Pods, informers.Jobs, "Job");
        informers.Pods.Subscribe(key => Queue.AddRange(podRouting.OwnersToQueue(key)));
    }

    public WorkQueue Queue { get; } = new();

    public Task RunAsync(CancellationToken cancellationToken) =>
        new ControllerLoop("job controller", Queue, this, logger, workers: 4).RunAsync(cancellationToken);

    public async Task<TimeSpan?> ReconcileAsync(string key, CancellationToken cancellationToken)
    {
        var (@namespace, name) = ObjectKey.Split(key);
        if (await ApiErrors.NullIfNotFoundAsync(client.BatchV1.ReadNamespacedJobAsync(name, @namespace, cancellationToken: cancellationToken)) is not { } job)
            return null;
        if (job.Metadata.DeletionTimestamp is not null)
            return null;
        var pods = (await client.CoreV1.ListNamespacedPodAsync(@namespace, cancellationToken: cancellationToken)).Items
            .Where(pod => OwnerReferences.IsControlledBy(pod.Metadata, job.Metadata))
            .ToList();
        var now = clock.GetUtcNow().UtcDateTime;
        if (JobConditions.FinishedAs(job) is not null)
        {
            // A finished Job runs nothing; pods left running (a work queue's, or after a failure) go.
            await DeletePodsAsync(job, pods.Where(PodStates.IsActive).ToList(), cancellationToken);
            return await ExpireAsync(job, now, cancellationToken);
        }

        job.Status ??= new V1JobStatus();
        var before = KubernetesJson.Serialize(job.Status);
        var suspended = job.Spec.Suspend == true;
        if (!suspended)
            job.Status.StartTime ??= now;
        var progress = JobProgress.Of(job, pods);
        var active = progress.Active;
        TimeSpan? again = null;
        if (JobOutcome.Decide(job, progress, now) is { } outcome)
        {
            await DeletePodsAsync(job, active, cancellationToken);
            active = [];
            JobConditions.Set(job.Status, outcome.Condition, "True", outcome.Reason, outcome.Message, now);
            if (outcome.Condition == JobConditions.Complete)
            {
                job.Status.CompletionTime = now;
                await events.RecordAsync(About(job), EventRecorder.Normal, "Completed", "Job completed", cancellationToken);
            }
            else
                await events.RecordAsync(About(job), EventRecorder.Warning, outcome.Reason, outcome.Message, cancellationToken);
        }
        else if (suspended)
        {
            await DeletePodsAsync(job, active, cancellationToken);
            active = [];
            if (JobConditions.Get(job.Status, JobConditions.Suspended)?.Status != "True")
            {
                JobConditions.Set(job.Status, JobConditions.Suspended, "True", "JobSuspended", "Job suspended", now);
                await events.RecordAsync(About(job), EventRecorder.Normal, "Suspended", "Job suspended", cancellationToken);
            }
        }
        else
        {
            if (JobConditions.Get(job.Status, JobConditions.Suspended)?.Status == "True")
            {
                // A resumed Job's deadline counts from now, as upstream.
                JobConditions.Set(job.Status, JobConditions.Suspended, "False", "JobResumed", "Job resumed", now);
                job.Status.StartTime = now;
                await events.RecordAsync(About(job), EventRecorder.Normal, "Resumed", "Job resumed", cancellationToken);
            }
            var backoff = JobBackoff.Remaining(progress.Failed, now);
            active = JobProgress.IsIndexed(job)
                ? await ManageIndexedAsync(job, progress, backoff == TimeSpan.Zero, cancellationToken)
                : await ManageNonIndexedAsync(job, progress, backoff == TimeSpan.Zero, cancellationToken);
            again = Earliest(backoff > TimeSpan.Zero ? backoff : null, JobOutcome.DeadlineIn(job, now));
        }

        job.Status.Active = active.Count;
        job.Status.Ready = active.Count(PodStates.IsReady);
        job.Status.Succeeded = progress.SucceededCount;
        job.Status.Failed = progress.Failed.Count;
        job.Status.Terminating = progress.Terminating;
        if (progress.SucceededIndexes is { } indexes)
            job.Status.CompletedIndexes = CompletedIndexes.Format(indexes);
        if (KubernetesJson.Serialize(job.Status) != before)
            job = await client.BatchV1.ReplaceNamespacedJobStatusAsync(job, name, @namespace, cancellationToken: cancellationToken);
        return JobConditions.FinishedAs(job) is not null ? Earliest(again, await ExpireAsync(job, now, cancellationToken)) : again;
    }

    /// <summary>Towards min(parallelism, completions left) running pods; a work queue (no completions) starts none once one succeeded.</summary>
    private async Task<List<V1Pod>> ManageNonIndexedAsync(V1Job job, JobProgress progress, bool mayCreate, CancellationToken cancellationToken)
    {
        var parallelism = job.Spec.Parallelism ?? 1;
        var wanted = job.Spec.Completions is { } completions
            ? Math.Min(parallelism, completions - progress.SucceededCount)
            : progress.SucceededCount > 0 ? Math.Min(parallelism, progress.Active.Count) : parallelism;
        var active = progress.Active;
        if (active.Count > wanted)
        {
            var doomed = PodDeletionOrder.FirstToDelete(active).Take(Math.Min(active.Count - wanted, BurstPods)).ToList();
            await DeletePodsAsync(job, doomed, cancellationToken);
            return active.Except(doomed).ToList();
        }
        if (!mayCreate)
            return active;
        var created = new List<V1Pod>();
        for (var i = 0; i < Math.Min(wanted - active.Count, BurstPods); i++)
            created.Add(await CreatePodAsync(job, null, cancellationToken));
        return [.. active, .. created];
    }

    /// <summary>One pod per index not yet succeeded, lowest first, at most parallelism at a time; duplicates and strays go.</summary>
    private async Task<List<V1Pod>> ManageIndexedAsync(V1Job job, JobProgress progress, bool mayCreate, CancellationToken cancellationToken)
    {
        var completions = job.Spec.Completions!.Value;
        var succeeded = progress.SucceededIndexes!;
        var byIndex = progress.Active.GroupBy(pod => JobPods.IndexOf(pod, completions)).ToList();
        var doomed = byIndex.Where(group => group.Key is not { } index || succeeded.Contains(index)).SelectMany(group => group)
            .Concat(byIndex.Where(group => group.Key is not null).SelectMany(group => PodDeletionOrder.FirstToDelete(group).Skip(1)))
            .Distinct()
            .ToList();
        var active = progress.Active.Except(doomed).ToList();
        var wanted = Math.Min(job.Spec.Parallelism ?? 1, completions - succeeded.Count);
        if (active.Count > wanted)
            doomed.AddRange(PodDeletionOrder.FirstToDelete(active).Take(active.Count - wanted));
        await DeletePodsAsync(job, doomed.Take(BurstPods).ToList(), cancellationToken);
        active = active.Except(doomed).ToList();
        if (!mayCreate)
            return active;
        var running = active.Select(pod => JobPods.IndexOf(pod, completions)!.Value).ToHashSet();
        var pending = Enumerable.Range(0, completions).Where(index => !succeeded.Contains(index) && !running.Contains(index));
        foreach (var index in pending.Take(Math.Min(wanted - active.Count, BurstPods)))
            active.Add(await CreatePodAsync(job, index, cancellationToken));
        return active;
    }

    private async Task<V1Pod> CreatePodAsync(V1Job job, int? index, CancellationToken cancellationToken)
    {
        try
        {
            var pod = await client.CoreV1.CreateNamespacedPodAsync(JobPods.NewPod(job, index), job.Metadata.NamespaceProperty, cancellationToken: cancellationToken);
            await events.RecordAsync(About(job), EventRecorder.Normal, "SuccessfulCreate", $"Created pod: {pod.Metadata.Name}", cancellationToken);
            return pod;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            await events.RecordAsync(About(job), EventRecorder.Warning, "FailedCreate", $"Error creating: {e.Message}", cancellationToken);
            throw;
        }
    }

    private async Task DeletePodsAsync(V1Job job, IReadOnlyCollection<V1Pod> pods, CancellationToken cancellationToken)
    {
        foreach (var pod in pods)
        {
            try
            {
                await client.CoreV1.DeleteNamespacedPodAsync(pod.Metadata.Name, pod.Metadata.NamespaceProperty, cancellationToken: cancellationToken);
            }
            catch (Exception e) when (ApiErrors.IsNotFound(e))
            {
                continue;
            }
            await events.RecordAsync(About(job), EventRecorder.Normal, "SuccessfulDelete", $"Deleted pod: {pod.Metadata.Name}", cancellationToken);
        }
    }

    /// <summary>
    /// Deletes a finished Job whose ttlSecondsAfterFinished has passed (its pods follow in the
    /// background); otherwise how long until it has. Null without a TTL.
    /// </summary>
    private async Task<TimeSpan?> ExpireAsync(V1Job job, DateTime now, CancellationToken cancellationToken)
    {
        if (job.Spec.TtlSecondsAfterFinished is not { } ttl || JobConditions.FinishedAt(job) is not { } finished)
            return null;
        var remaining = finished.ToUniversalTime().AddSeconds(ttl) - now;
        if (remaining > TimeSpan.Zero)
            return remaining;
        try
        {
            await client.BatchV1.DeleteNamespacedJobAsync(job.Metadata.Name, job.Metadata.NamespaceProperty,
                new V1DeleteOptions { PropagationPolicy = "Background", Preconditions = new V1Preconditions { Uid = job.Metadata.Uid } },
                cancellationToken: cancellationToken);
            logger.LogDebug("job {Namespace}/{Name}: deleted {Ttl} s after it finished", job.Metadata.NamespaceProperty, job.Metadata.Name, ttl);
        }
        catch (Exception e) when (ApiErrors.IsNotFound(e))
        {
        }
        return null;
    }

    private static TimeSpan? Earliest(TimeSpan? first, TimeSpan? second) =>
        first is { } a && second is { } b ? (a < b ? a : b) : first ?? second;

    private static V1ObjectReference About(V1Job job) => new()
    {
        ApiVersion = "batch/v1",
        Kind = "Job",
        Name = job.Metadata.Name,
        NamespaceProperty = job.Metadata.NamespaceProperty,
        Uid = job.Metadata.Uid,
        ResourceVersion = job.Metadata.ResourceVersion,
    };
}
