using k8s.Models;

namespace K3s.Controllers.Jobs;

/// <summary>
/// Which finished Jobs of a CronJob go: beyond successfulJobsHistoryLimit completed ones and
/// failedJobsHistoryLimit failed ones, the oldest first (by start time, then creation), as upstream.
/// </summary>
public static class CronJobHistory
{
    public static IEnumerable<V1Job> Surplus(V1CronJob cronJob, IEnumerable<V1Job> jobs)
    {
        var finished = jobs.Select(job => (Job: job, Finished: JobConditions.FinishedAs(job))).Where(entry => entry.Finished is not null).ToList();
        return Beyond(finished.Where(entry => entry.Finished == JobConditions.Complete).Select(entry => entry.Job), cronJob.Spec.SuccessfulJobsHistoryLimit)
            .Concat(Beyond(finished.Where(entry => entry.Finished == JobConditions.Failed).Select(entry => entry.Job), cronJob.Spec.FailedJobsHistoryLimit));
    }

    /// <summary>A limit that is not set keeps everything.</summary>
    private static IEnumerable<V1Job> Beyond(IEnumerable<V1Job> jobs, int? limit) => limit is not { } keep
        ? []
        : jobs.OrderByDescending(job => job.Status?.StartTime ?? job.Metadata.CreationTimestamp ?? DateTime.MinValue).Skip(Math.Max(keep, 0));
}
