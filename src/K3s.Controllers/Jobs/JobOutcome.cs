using k8s.Models;

namespace K3s.Controllers.Jobs;

/// <summary>Whether a running Job has now finished, and how, as upstream's job controller decides.</summary>
public sealed record JobOutcome(string Condition, string Reason, string Message)
{
    public static JobOutcome? Decide(V1Job job, JobProgress progress, DateTime now)
    {
        if (PastBackoffLimit(job, progress))
            return new(JobConditions.Failed, "BackoffLimitExceeded", "Job has reached the specified backoff limit");
        if (DeadlineIn(job, now) == TimeSpan.Zero)
            return new(JobConditions.Failed, "DeadlineExceeded", "Job was active longer than specified deadline");
        var complete = job.Spec.Completions is { } completions
            ? progress.SucceededCount >= completions
            // Without completions (a work queue) the first success completes the Job once no pod is left running.
            : progress.SucceededCount > 0 && progress.Active.Count == 0;
        return complete ? new(JobConditions.Complete, "CompletionsReached", "Reached expected number of succeeded pods") : null;
    }

    /// <summary>
    /// More failed pods than backoffLimit; or, with restartPolicy OnFailure, as many container restarts
    /// as backoffLimit (any restart when it is 0), as upstream counts them.
    /// </summary>
    public static bool PastBackoffLimit(V1Job job, JobProgress progress)
    {
        var limit = job.Spec.BackoffLimit ?? 6;
        if (progress.Failed.Count > limit)
            return true;
        return job.Spec.Template.Spec.RestartPolicy == "OnFailure" && (limit == 0 ? progress.RestartsOfActive > 0 : progress.RestartsOfActive >= limit);
    }

    /// <summary>How long until activeDeadlineSeconds passes (zero: it has); null without a deadline, before the start or while suspended.</summary>
    public static TimeSpan? DeadlineIn(V1Job job, DateTime now)
    {
        if (job.Spec.ActiveDeadlineSeconds is not { } seconds || job.Status?.StartTime is not { } started || job.Spec.Suspend == true)
            return null;
        var remaining = started.ToUniversalTime().AddSeconds(seconds) - now;
        return remaining > TimeSpan.Zero ? remaining : TimeSpan.Zero;
    }
}
