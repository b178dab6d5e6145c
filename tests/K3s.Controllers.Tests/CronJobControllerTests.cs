using K3s.Controllers.Jobs;
using K3s.Controllers.Runtime;
using K3s.Controllers.Workloads;
using Microsoft.Extensions.Logging.Abstractions;
using k8s;
using k8s.Models;
using static K3s.Controllers.Tests.JobTestObjects;
using static K3s.Controllers.Tests.WorkloadTestObjects;

namespace K3s.Controllers.Tests;

public sealed class CronJobControllerTests(ClusterFixture cluster) : IClassFixture<ClusterFixture>
{
    /// <summary>A clock that reads a set time, so a reconcile can be run as if at a schedule time.</summary>
    private sealed class SetClock(DateTimeOffset now) : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = now;

        public override DateTimeOffset GetUtcNow() => Now;
    }

    [Fact]
    public async Task An_every_minute_cronjob_creates_a_job_within_a_minute()
    {
        using var client = cluster.Client();
        var ns = await NamespaceAsync(client, "cron-minute");
        var cronJob = await client.BatchV1.CreateNamespacedCronJobAsync(CronJob("tick", "* * * * *"), ns);

        V1Job job = null!;
        await Eventually.HoldsAsync(async () =>
        {
            job = (await client.BatchV1.ListNamespacedJobAsync(ns)).Items.FirstOrDefault()!;
            return job is not null;
        }, "the cronjob created a job", TimeSpan.FromSeconds(90));
        Assert.True(ControlledBy(job.Metadata, cronJob));
        Assert.Matches("^tick-[0-9]+$", job.Metadata.Name);
        Assert.Equal("tick", job.Metadata.Labels["app"]);
        Assert.True(job.Metadata.Annotations.ContainsKey(CronJobJobs.ScheduledTimestampAnnotation));
        await Eventually.HoldsAsync(async () =>
        {
            var status = (await client.BatchV1.ReadNamespacedCronJobAsync("tick", ns)).Status;
            return status?.LastScheduleTime is not null && status.Active?.Any(reference => reference.Uid == job.Metadata.Uid) == true;
        }, "the cronjob lists the job as active and records its schedule time");

        // Deleting the cronjob takes its jobs along (the garbage collector follows cronjobs as owners).
        await client.BatchV1.DeleteNamespacedCronJobAsync("tick", ns);
        await Eventually.HoldsAsync(async () => (await client.BatchV1.ListNamespacedJobAsync(ns)).Items.Count == 0, "the cronjob's jobs are collected");
    }

    /// <summary>
    /// A yearly schedule the running controllers leave alone until New Year, reconciled here by a second
    /// controller whose clock says it is New Year already.
    /// </summary>
    [Fact]
    public async Task At_a_schedule_time_one_job_is_created_and_forbid_holds_the_next_while_it_runs()
    {
        using var client = cluster.Client();
        var ns = await NamespaceAsync(client, "cron-clock");
        var spec = CronJob("yearly", "0 0 1 1 *");
        spec.Spec.ConcurrencyPolicy = "Forbid";
        var cronJob = await client.BatchV1.CreateNamespacedCronJobAsync(spec, ns);
        var newYear = new DateTimeOffset(cronJob.Metadata.CreationTimestamp!.Value.Year + 1, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var clock = new SetClock(newYear.AddSeconds(5));
        var controller = new CronJobController(client, new SharedInformers(client, NullLoggerFactory.Instance, TimeSpan.FromMinutes(5)), NullLoggerFactory.Instance, clock);
        var key = $"{ns}/yearly";
        var zone = TimeZoneInfo.Local;

        var again = await ReconcileAsync(controller, key);
        await ReconcileAsync(controller, key);
        var job = Assert.Single((await client.BatchV1.ListNamespacedJobAsync(ns)).Items);
        var scheduled = CronSchedule.Parse("0 0 1 1 *").Next(newYear.UtcDateTime.AddYears(-1).AddDays(1), zone)!.Value;
        Assert.Equal(CronJobJobs.NameFor(cronJob, scheduled), job.Metadata.Name);
        Assert.True(ControlledBy(job.Metadata, cronJob));
        var status = (await client.BatchV1.ReadNamespacedCronJobAsync("yearly", ns)).Status;
        Assert.Equal(scheduled, status.LastScheduleTime);
        Assert.Equal(job.Metadata.Uid, Assert.Single(status.Active).Uid);
        Assert.NotNull(again);
        Assert.True(again > TimeSpan.FromDays(300), $"the next pass is due a year later, not {again}");

        // A year on, the job still runs: Forbid starts no second one.
        clock.Now = clock.Now.AddYears(1);
        await ReconcileAsync(controller, key);
        Assert.Equal(job.Metadata.Uid, Assert.Single((await client.BatchV1.ListNamespacedJobAsync(ns)).Items).Metadata.Uid);

        // Replace deletes the running job and starts the new year's.
        await client.BatchV1.PatchNamespacedCronJobAsync(new V1Patch("{\"spec\":{\"concurrencyPolicy\":\"Replace\"}}", V1Patch.PatchType.MergePatch), "yearly", ns);
        await ReconcileAsync(controller, key);
        var replacement = Assert.Single((await client.BatchV1.ListNamespacedJobAsync(ns)).Items, j => j.Metadata.DeletionTimestamp is null);
        Assert.NotEqual(job.Metadata.Name, replacement.Metadata.Name);
        Assert.Equal(replacement.Metadata.Uid, Assert.Single((await client.BatchV1.ReadNamespacedCronJobAsync("yearly", ns)).Status.Active).Uid);
    }

    /// <summary>The running cronjob controller writes the same status now and then: a lost race is tried again, as the controller loop would.</summary>
    private static async Task<TimeSpan?> ReconcileAsync(CronJobController controller, string key)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await controller.ReconcileAsync(key, CancellationToken.None);
            }
            catch (k8s.Autorest.HttpOperationException e) when (e.Response.StatusCode == System.Net.HttpStatusCode.Conflict && attempt < 10)
            {
            }
        }
    }
}
