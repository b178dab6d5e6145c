using k8s;
using k8s.Models;
using K3s.Controllers.Runtime;
using K3s.Controllers.Workloads;
using Microsoft.Extensions.Logging;

namespace K3s.Controllers.Jobs;

/// <summary>
/// Runs each CronJob's schedule, as kube-controller-manager's cronjob controller: at every schedule
/// time it creates a Job from spec.jobTemplate (owned by the CronJob), honouring suspend,
/// startingDeadlineSeconds and concurrencyPolicy (Allow, Forbid, Replace); it keeps status.active,
/// lastScheduleTime and lastSuccessfulTime, deletes finished Jobs beyond the history limits, and looks
/// again at the next schedule time. The clock is injected so the schedule arithmetic can be tested.
/// Each pass reads the CronJob and its Jobs from the API, so a Job created a moment ago is never missed.
/// </summary>
public sealed class CronJobController : IReconciler
{
    /// <summary>Wake a little after a schedule time, so the time has certainly come when the pass runs (as upstream).</summary>
    private static readonly TimeSpan AfterScheduleTime = TimeSpan.FromMilliseconds(100);

    private readonly Kubernetes client;
    private readonly TimeProvider clock;
    private readonly EventRecorder events;
    private readonly ILogger logger;

    public CronJobController(Kubernetes client, SharedInformers informers, ILoggerFactory loggers, TimeProvider? clock = null)
    {
        this.client = client;
        this.clock = clock ?? TimeProvider.System;
        logger = loggers.CreateLogger<CronJobController>();
        events = new EventRecorder(client, "cronjob-controller", logger);
        informers.CronJobs.Subscribe(Queue.Add);
        var jobRouting = new DependentRouting<V1Job, V1CronJob>(informers.Jobs, informers.CronJobs, "CronJob");
        informers.Jobs.Subscribe(key => Queue.AddRange(jobRouting.OwnersToQueue(key)));
    }

    public WorkQueue Queue { get; } = new();

    public Task RunAsync(CancellationToken cancellationToken) =>
        new ControllerLoop("cronjob controller", Queue, this, logger, workers: 2).RunAsync(cancellationToken);

    public async Task<TimeSpan?> ReconcileAsync(string key, CancellationToken cancellationToken)
    {
        var (@namespace, name) = ObjectKey.Split(key);
        if (await ApiErrors.NullIfNotFoundAsync(client.BatchV1.ReadNamespacedCronJobAsync(name, @namespace, cancellationToken: cancellationToken)) is not { } cronJob)
            return null;
        var jobs = (await client.BatchV1.ListNamespacedJobAsync(@namespace, cancellationToken: cancellationToken)).Items
            .Where(job => OwnerReferences.IsControlledBy(job.Metadata, cronJob.Metadata))
            .ToList();
        var before = cronJob.Status is null ? "" : KubernetesJson.Serialize(cronJob.Status);
        cronJob.Status ??= new V1CronJobStatus();

        await TrackActiveJobsAsync(cronJob, jobs, cancellationToken);
        TimeSpan? again = null;
        if (cronJob.Metadata.DeletionTimestamp is null)
        {
            jobs = await DeleteSurplusHistoryAsync(cronJob, jobs, cancellationToken);
            if (cronJob.Spec.Suspend != true)
                again = await RunScheduleAsync(cronJob, jobs, cancellationToken);
        }

        if (cronJob.Status.Active is { Count: 0 })
            cronJob.Status.Active = null;
        if (KubernetesJson.Serialize(cronJob.Status) != before)
            await client.BatchV1.ReplaceNamespacedCronJobStatusAsync(cronJob, name, @namespace, cancellationToken: cancellationToken);
        return again;
    }

    /// <summary>
    /// status.active lists the CronJob's unfinished Jobs: finished ones leave it (a complete one moves
    /// lastSuccessfulTime), vanished ones are dropped, and unfinished ones it did not list are added
    /// (upstream only warns of those; listing them keeps Forbid and Replace right after a lost status write).
    /// </summary>
    private async Task TrackActiveJobsAsync(V1CronJob cronJob, List<V1Job> jobs, CancellationToken cancellationToken)
    {
        var status = cronJob.Status;
        var active = status.Active?.ToList() ?? [];
        foreach (var job in jobs)
        {
            var finished = JobConditions.FinishedAs(job);
            var listed = active.Any(reference => reference.Uid == job.Metadata.Uid);
            if (finished is null && !listed)
                active.Add(CronJobJobs.Reference(job));
            else if (finished is not null && listed)
            {
                active.RemoveAll(reference => reference.Uid == job.Metadata.Uid);
                await events.RecordAsync(About(cronJob), EventRecorder.Normal, "SawCompletedJob",
                    $"Saw completed job: {job.Metadata.Name}, condition: {finished}", cancellationToken);
            }
            if (finished == JobConditions.Complete && job.Status.CompletionTime is { } completed
                && (status.LastSuccessfulTime is not { } last || completed > last))
                status.LastSuccessfulTime = completed;
        }
        foreach (var missing in active.Where(reference => jobs.All(job => job.Metadata.Uid != reference.Uid)).ToList())
        {
            active.Remove(missing);
            await events.RecordAsync(About(cronJob), EventRecorder.Warning, "MissingJob", $"Active job went missing: {missing.Name}", cancellationToken);
        }
        status.Active = active;
    }

    private async Task<List<V1Job>> DeleteSurplusHistoryAsync(V1CronJob cronJob, List<V1Job> jobs, CancellationToken cancellationToken)
    {
        var surplus = CronJobHistory.Surplus(cronJob, jobs).ToList();
        foreach (var job in surplus)
            await DeleteJobAsync(cronJob, job, cancellationToken);
        return jobs.Except(surplus).ToList();
    }

    /// <summary>Creates the Job the most recent unmet schedule time calls for, if any may start; returns how long until the next time.</summary>
    private async Task<TimeSpan?> RunScheduleAsync(V1CronJob cronJob, List<V1Job> jobs, CancellationToken cancellationToken)
    {
        if (!TryZone(cronJob.Spec.TimeZone, out var zone))
        {
            await events.RecordAsync(About(cronJob), EventRecorder.Warning, "UnknownTimeZone", $"invalid timeZone: \"{cronJob.Spec.TimeZone}\"", cancellationToken);
            return null;
        }
        if (!CronSchedule.TryParse(cronJob.Spec.Schedule ?? "", out var schedule, out var error))
        {
            await events.RecordAsync(About(cronJob), EventRecorder.Warning, "InvalidSchedule", $"invalid schedule: {cronJob.Spec.Schedule} : {error}", cancellationToken);
            return null;
        }
        var now = clock.GetUtcNow().UtcDateTime;
        var untilNext = ScheduledRuns.UntilNext(schedule!, zone, now) is { } delay ? delay + AfterScheduleTime : (TimeSpan?)null;
        var (due, unmet) = ScheduledRuns.Due(cronJob, schedule!, zone, now);
        if (unmet > ScheduledRuns.TooManyMissed)
        {
            await events.RecordAsync(About(cronJob), EventRecorder.Warning, "TooManyMissedTimes",
                $"too many missed start times: {unmet}. Set or decrease .spec.startingDeadlineSeconds or check clock skew", cancellationToken);
        }
        if (due is not { } scheduled)
            return untilNext;
        if (ScheduledRuns.TooLate(cronJob, scheduled, now))
        {
            await events.RecordAsync(About(cronJob), EventRecorder.Warning, "MissSchedule",
                $"Missed scheduled time to start a job: {scheduled:yyyy-MM-dd'T'HH:mm:ss'Z'}", cancellationToken);
            return untilNext;
        }
        var jobName = CronJobJobs.NameFor(cronJob, scheduled);
        if (cronJob.Status.LastScheduleTime?.ToUniversalTime() == scheduled)
            return untilNext;
        if (cronJob.Status.Active.Any(reference => reference.Name == jobName))
        {
            // Created by a pass whose status write was lost (or listed from the Jobs before it was recorded).
            cronJob.Status.LastScheduleTime = scheduled;
            return untilNext;
        }
        var unfinished = cronJob.Status.Active.ToList();
        if (cronJob.Spec.ConcurrencyPolicy == "Forbid" && unfinished.Count > 0)
        {
            // The time stays unmet: once the running Job finishes (its change brings this CronJob back) it may still start.
            await events.RecordAsync(About(cronJob), EventRecorder.Normal, "JobAlreadyActive",
                "Not starting job because prior execution is running and concurrency policy is Forbid", cancellationToken);
            return untilNext;
        }
        if (cronJob.Spec.ConcurrencyPolicy == "Replace")
        {
            foreach (var reference in unfinished)
            {
                if (jobs.FirstOrDefault(job => job.Metadata.Uid == reference.Uid) is { } job)
                    await DeleteJobAsync(cronJob, job, cancellationToken);
                cronJob.Status.Active.Remove(reference);
            }
        }

        var created = await CreateJobAsync(cronJob, scheduled, zone, cancellationToken);
        if (created is not null && JobConditions.FinishedAs(created) is null && cronJob.Status.Active.All(reference => reference.Uid != created.Metadata.Uid))
            cronJob.Status.Active.Add(CronJobJobs.Reference(created));
        cronJob.Status.LastScheduleTime = scheduled;
        return untilNext;
    }

    /// <summary>Creates the scheduled Job; one already there under its name counts as created if this CronJob owns it.</summary>
    private async Task<V1Job?> CreateJobAsync(V1CronJob cronJob, DateTime scheduled, TimeZoneInfo zone, CancellationToken cancellationToken)
    {
        var job = CronJobJobs.NewJob(cronJob, scheduled, zone);
        try
        {
            var created = await client.BatchV1.CreateNamespacedJobAsync(job, cronJob.Metadata.NamespaceProperty, cancellationToken: cancellationToken);
            await events.RecordAsync(About(cronJob), EventRecorder.Normal, "SuccessfulCreate", $"Created job {created.Metadata.Name}", cancellationToken);
            return created;
        }
        catch (k8s.Autorest.HttpOperationException e) when (e.Response.StatusCode == System.Net.HttpStatusCode.Conflict)
        {
            var existing = await client.BatchV1.ReadNamespacedJobAsync(job.Metadata.Name, cronJob.Metadata.NamespaceProperty, cancellationToken: cancellationToken);
            if (OwnerReferences.IsControlledBy(existing.Metadata, cronJob.Metadata))
                return existing;
            await events.RecordAsync(About(cronJob), EventRecorder.Warning, "FailedCreate",
                $"Error creating job: job {job.Metadata.Name} already exists and is not owned by this CronJob", cancellationToken);
            return null;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            await events.RecordAsync(About(cronJob), EventRecorder.Warning, "FailedCreate", $"Error creating job: {e.Message}", cancellationToken);
            throw;
        }
    }

    /// <summary>Deletes a Job and, in the background, its pods.</summary>
    private async Task DeleteJobAsync(V1CronJob cronJob, V1Job job, CancellationToken cancellationToken)
    {
        try
        {
            await client.BatchV1.DeleteNamespacedJobAsync(job.Metadata.Name, job.Metadata.NamespaceProperty,
                new V1DeleteOptions { PropagationPolicy = "Background", Preconditions = new V1Preconditions { Uid = job.Metadata.Uid } },
                cancellationToken: cancellationToken);
        }
        catch (Exception e) when (ApiErrors.IsNotFound(e) || ApiErrors.IsConflict(e))
        {
            // Gone already, or replaced by another Job of the same name: not this one to delete.
            return;
        }
        await events.RecordAsync(About(cronJob), EventRecorder.Normal, "SuccessfulDelete", $"Deleted job {job.Metadata.Name}", cancellationToken);
    }

    /// <summary>spec.timeZone as an IANA zone; without one, the controller manager's local zone, as upstream.</summary>
    private static bool TryZone(string? name, out TimeZoneInfo zone)
    {
        zone = TimeZoneInfo.Local;
        if (string.IsNullOrEmpty(name))
            return true;
        try
        {
            zone = TimeZoneInfo.FindSystemTimeZoneById(name);
            return true;
        }
        catch (Exception e) when (e is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            return false;
        }
    }

    private static V1ObjectReference About(V1CronJob cronJob) => new()
    {
        ApiVersion = "batch/v1",
        Kind = "CronJob",
        Name = cronJob.Metadata.Name,
        NamespaceProperty = cronJob.Metadata.NamespaceProperty,
        Uid = cronJob.Metadata.Uid,
        ResourceVersion = cronJob.Metadata.ResourceVersion,
    };
}
