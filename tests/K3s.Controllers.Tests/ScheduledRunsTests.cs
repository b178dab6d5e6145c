using k8s.Models;
using K3s.Controllers.Jobs;

namespace K3s.Controllers.Tests;

public sealed class ScheduledRunsTests
{
    private static readonly DateTime Created = new(2026, 3, 4, 10, 0, 30, DateTimeKind.Utc);

    private static V1CronJob CronJob(string schedule, DateTime? lastSchedule = null, long? startingDeadline = null) => new()
    {
        Metadata = new V1ObjectMeta { Name = "nightly", CreationTimestamp = Created },
        Spec = new V1CronJobSpec { Schedule = schedule, StartingDeadlineSeconds = startingDeadline },
        Status = new V1CronJobStatus { LastScheduleTime = lastSchedule },
    };

    private static (DateTime? MostRecent, int Unmet) Due(V1CronJob cronJob, DateTime now) =>
        ScheduledRuns.Due(cronJob, CronSchedule.Parse(cronJob.Spec.Schedule), TimeZoneInfo.Utc, now);

    [Fact]
    public void Nothing_is_due_before_the_first_time_after_creation() =>
        Assert.Equal((null, 0), Due(CronJob("*/5 * * * *"), Created.AddMinutes(4)));

    [Fact]
    public void Of_several_unmet_times_the_most_recent_is_due()
    {
        var (mostRecent, unmet) = Due(CronJob("*/5 * * * *"), Created.AddMinutes(17));
        Assert.Equal((Created.Date.AddHours(10).AddMinutes(15), 3), (mostRecent, unmet));
    }

    [Fact]
    public void Times_up_to_the_last_schedule_are_met()
    {
        var last = new DateTime(2026, 3, 4, 10, 15, 0, DateTimeKind.Utc);
        Assert.Equal((null, 0), Due(CronJob("*/5 * * * *", last), last.AddMinutes(4)));
        Assert.Equal((last.AddMinutes(5), 1), Due(CronJob("*/5 * * * *", last), last.AddMinutes(5)));
    }

    [Fact]
    public void The_starting_deadline_bounds_how_far_back_times_count()
    {
        var now = Created.AddHours(10);
        var (mostRecent, unmet) = Due(CronJob("* * * * *", startingDeadline: 200), now);
        Assert.Equal((new DateTime(2026, 3, 4, 20, 0, 0, DateTimeKind.Utc), 3), (mostRecent, unmet));
        Assert.Equal(600, Due(CronJob("* * * * *"), now).Unmet);
    }

    [Fact]
    public void A_time_past_its_starting_deadline_is_too_late()
    {
        var scheduled = new DateTime(2026, 3, 4, 11, 0, 0, DateTimeKind.Utc);
        Assert.False(ScheduledRuns.TooLate(CronJob("0 * * * *"), scheduled, scheduled.AddHours(5)));
        Assert.False(ScheduledRuns.TooLate(CronJob("0 * * * *", startingDeadline: 60), scheduled, scheduled.AddSeconds(59)));
        Assert.True(ScheduledRuns.TooLate(CronJob("0 * * * *", startingDeadline: 60), scheduled, scheduled.AddSeconds(61)));
    }

    [Fact]
    public void A_job_is_named_after_its_scheduled_minute_and_annotated_with_the_time_in_the_zone()
    {
        var cronJob = CronJob("0 9 * * *");
        cronJob.Metadata.Uid = "c1";
        cronJob.Spec.JobTemplate = new V1JobTemplateSpec { Spec = new V1JobSpec() };
        var scheduled = new DateTime(2026, 7, 15, 7, 0, 0, DateTimeKind.Utc);
        var job = CronJobJobs.NewJob(cronJob, scheduled, TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin"));
        Assert.Equal($"nightly-{(long)(scheduled - DateTime.UnixEpoch).TotalMinutes}", job.Metadata.Name);
        Assert.Equal("2026-07-15T09:00:00+02:00", job.Metadata.Annotations[CronJobJobs.ScheduledTimestampAnnotation]);
        Assert.Equal("2026-07-15T07:00:00Z", CronJobJobs.NewJob(cronJob, scheduled, TimeZoneInfo.Utc).Metadata.Annotations[CronJobJobs.ScheduledTimestampAnnotation]);
        var owner = Assert.Single(job.Metadata.OwnerReferences);
        Assert.Equal(("CronJob", "c1", true), (owner.Kind, owner.Uid, owner.Controller));
    }

    [Theory]
    [InlineData(new int[0], "")]
    [InlineData(new[] { 3 }, "3")]
    [InlineData(new[] { 0, 1, 2 }, "0-2")]
    [InlineData(new[] { 7, 1, 3, 4, 5 }, "1,3-5,7")]
    public void Completed_indexes_are_written_as_ranges(int[] indexes, string expected) =>
        Assert.Equal(expected, CompletedIndexes.Format(indexes));
}
