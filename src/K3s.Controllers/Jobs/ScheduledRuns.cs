using k8s.Models;

namespace K3s.Controllers.Jobs;

/// <summary>
/// Which scheduled time a CronJob owes a Job for now, as upstream's cronjob controller works it out:
/// the schedule times after the last one it ran (or its creation), no further back than
/// startingDeadlineSeconds, up to now. Only the most recent of them runs; the rest are missed.
/// </summary>
public static class ScheduledRuns
{
    /// <summary>More missed times than this is worth a warning: the controller was down, or the clock jumped.</summary>
    public const int TooManyMissed = 100;

    /// <summary>The most recent unmet schedule time (null if none is due) and how many unmet times there were.</summary>
    public static (DateTime? MostRecent, int Unmet) Due(V1CronJob cronJob, CronSchedule schedule, TimeZoneInfo zone, DateTime now)
    {
        DateTime? mostRecent = null;
        var unmet = 0;
        for (var time = schedule.Next(Earliest(cronJob, now), zone); time is { } t && t <= now; time = schedule.Next(t, zone))
        {
            mostRecent = t;
            unmet++;
        }
        return (mostRecent, unmet);
    }

    /// <summary>Whether a Job due at this time may still start: startingDeadlineSeconds not yet passed since.</summary>
    public static bool TooLate(V1CronJob cronJob, DateTime scheduled, DateTime now) =>
        cronJob.Spec.StartingDeadlineSeconds is { } deadline && scheduled.AddSeconds(deadline) < now;

    /// <summary>How long until the schedule's next time after now (null: never again).</summary>
    public static TimeSpan? UntilNext(CronSchedule schedule, TimeZoneInfo zone, DateTime now) =>
        schedule.Next(now, zone) is { } next ? next - now : null;

    private static DateTime Earliest(V1CronJob cronJob, DateTime now)
    {
        var earliest = Utc(cronJob.Status?.LastScheduleTime ?? cronJob.Metadata.CreationTimestamp ?? now);
        if (cronJob.Spec.StartingDeadlineSeconds is { } deadline && now.AddSeconds(-deadline) > earliest)
            earliest = now.AddSeconds(-deadline);
        return earliest;
    }

    private static DateTime Utc(DateTime time) => DateTime.SpecifyKind(time.ToUniversalTime(), DateTimeKind.Utc);
}
