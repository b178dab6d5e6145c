using k8s;
using k8s.Models;
using K3s.Controllers.Jobs;
using static K3s.Controllers.Tests.JobTestObjects;
using static K3s.Controllers.Tests.WorkloadTestObjects;

namespace K3s.Controllers.Tests;

public sealed class JobControllerTests(ClusterFixture cluster) : IClassFixture<ClusterFixture>
{
    [Fact]
    public async Task A_job_of_three_completions_two_at_a_time_completes_as_its_pods_succeed()
    {
        using var client = cluster.Client();
        var ns = await NamespaceAsync(client, "job-three");
        var job = await client.BatchV1.CreateNamespacedJobAsync(Job("work", completions: 3, parallelism: 2), ns);

        var succeeded = 0;
        while (succeeded < 3)
        {
            List<V1Pod> running = [];
            await Eventually.HoldsAsync(async () =>
            {
                running = await RunningPodsAsync(client, ns, job);
                return running.Count == Math.Min(2, 3 - succeeded);
            }, $"the job runs {Math.Min(2, 3 - succeeded)} pods after {succeeded} succeeded");
            Assert.All(running, pod =>
            {
                Assert.Equal("work", pod.Metadata.Labels["batch.kubernetes.io/job-name"]);
                Assert.Equal(job.Metadata.Uid, pod.Metadata.Labels["batch.kubernetes.io/controller-uid"]);
                var owner = Assert.Single(pod.Metadata.OwnerReferences);
                Assert.Equal(("Job", job.Metadata.Uid, true), (owner.Kind, owner.Uid, owner.Controller));
            });
            await ReportFinishedAsync(client, running[0], succeeded: true);
            succeeded++;
        }

        V1Job finished = null!;
        await Eventually.HoldsAsync(async () =>
        {
            finished = await client.BatchV1.ReadNamespacedJobAsync("work", ns);
            return JobConditions.FinishedAs(finished) == JobConditions.Complete;
        }, "the job is Complete");
        Assert.Equal((3, 0, 0), (finished.Status.Succeeded, finished.Status.Failed ?? 0, finished.Status.Active ?? 0));
        Assert.NotNull(finished.Status.StartTime);
        Assert.NotNull(finished.Status.CompletionTime);
        Assert.Equal(3, (await client.CoreV1.ListNamespacedPodAsync(ns)).Items.Count);

        var wait = await Kubectl.RunAsync(cluster, "wait", "--for=condition=complete", "job/work", "-n", ns, "--timeout=60s");
        Assert.True(wait.ExitCode == 0, wait.Output + wait.Error);
        await Eventually.HoldsAsync(async () => (await client.CoreV1.ListNamespacedEventAsync(ns)).Items
            .Any(e => e.InvolvedObject.Name == "work" && e.Reason == "Completed"), "a Completed event is written about the job");
    }

    [Fact]
    public async Task A_job_whose_pods_keep_failing_fails_past_its_backoff_limit()
    {
        using var client = cluster.Client();
        var ns = await NamespaceAsync(client, "job-backoff");
        var job = await client.BatchV1.CreateNamespacedJobAsync(Job("flaky", completions: 1, parallelism: 1, backoffLimit: 1), ns);

        // backoffLimit 1: the first failure is retried (after the backoff delay), the second fails the job.
        for (var failures = 0; failures < 2; failures++)
        {
            List<V1Pod> running = [];
            await Eventually.HoldsAsync(async () => (running = await RunningPodsAsync(client, ns, job)).Count == 1,
                $"the job runs a pod after {failures} failures");
            await ReportFinishedAsync(client, running[0], succeeded: false);
        }

        V1Job failed = null!;
        await Eventually.HoldsAsync(async () =>
        {
            failed = await client.BatchV1.ReadNamespacedJobAsync("flaky", ns);
            return JobConditions.FinishedAs(failed) == JobConditions.Failed;
        }, "the job is Failed");
        var condition = JobConditions.Get(failed.Status, JobConditions.Failed)!;
        Assert.Equal(("True", "BackoffLimitExceeded"), (condition.Status, condition.Reason));
        Assert.Equal((2, 0), (failed.Status.Failed, failed.Status.Succeeded ?? 0));
        Assert.Null(failed.Status.CompletionTime);
        Assert.Empty(await RunningPodsAsync(client, ns, job));
        await Eventually.HoldsAsync(async () => (await client.CoreV1.ListNamespacedEventAsync(ns)).Items
            .Any(e => e.InvolvedObject.Name == "flaky" && e.Reason == "BackoffLimitExceeded"), "a BackoffLimitExceeded event is written");
    }

    [Fact]
    public async Task An_indexed_job_runs_one_pod_per_index_and_reports_the_completed_indexes()
    {
        using var client = cluster.Client();
        var ns = await NamespaceAsync(client, "job-indexed");
        var job = await client.BatchV1.CreateNamespacedJobAsync(Job("shards", completions: 3, parallelism: 3, completionMode: "Indexed"), ns);

        List<V1Pod> running = [];
        await Eventually.HoldsAsync(async () => (running = await RunningPodsAsync(client, ns, job)).Count == 3, "the job runs three pods");
        var indexes = running.Select(pod => pod.Metadata.Annotations[JobPods.CompletionIndexAnnotation]).Order().ToList();
        Assert.Equal(["0", "1", "2"], indexes);
        Assert.All(running, pod => Assert.Contains(pod.Spec.Containers[0].Env, variable => variable.Name == JobPods.CompletionIndexVariable));

        await ReportFinishedAsync(client, running.Single(pod => pod.Metadata.Annotations[JobPods.CompletionIndexAnnotation] == "1"), succeeded: true);
        await Eventually.HoldsAsync(async () => (await client.BatchV1.ReadNamespacedJobAsync("shards", ns)).Status?.CompletedIndexes == "1",
            "index 1 is reported completed");
        foreach (var pod in running.Where(pod => pod.Metadata.Annotations[JobPods.CompletionIndexAnnotation] != "1"))
            await ReportFinishedAsync(client, pod, succeeded: true);
        await Eventually.HoldsAsync(async () =>
        {
            var current = await client.BatchV1.ReadNamespacedJobAsync("shards", ns);
            return JobConditions.FinishedAs(current) == JobConditions.Complete && current.Status.CompletedIndexes == "0-2";
        }, "the job is Complete with indexes 0-2");
    }

    [Fact]
    public async Task A_job_running_past_its_active_deadline_fails()
    {
        using var client = cluster.Client();
        var ns = await NamespaceAsync(client, "job-deadline");
        var spec = Job("slow", completions: 1, parallelism: 1);
        spec.Spec.ActiveDeadlineSeconds = 1;
        var job = await client.BatchV1.CreateNamespacedJobAsync(spec, ns);

        await Eventually.HoldsAsync(async () => JobConditions.Get((await client.BatchV1.ReadNamespacedJobAsync("slow", ns)).Status, JobConditions.Failed)?.Reason == "DeadlineExceeded",
            "the job fails with DeadlineExceeded");
        await Eventually.HoldsAsync(async () => (await RunningPodsAsync(client, ns, job)).Count == 0, "its pod is deleted");
    }

    [Fact]
    public async Task A_finished_job_with_a_ttl_is_deleted_with_its_pods()
    {
        using var client = cluster.Client();
        var ns = await NamespaceAsync(client, "job-ttl");
        var spec = Job("brief", completions: 1, parallelism: 1);
        spec.Spec.TtlSecondsAfterFinished = 0;
        var job = await client.BatchV1.CreateNamespacedJobAsync(spec, ns);

        List<V1Pod> running = [];
        await Eventually.HoldsAsync(async () => (running = await RunningPodsAsync(client, ns, job)).Count == 1, "the job runs a pod");
        await ReportFinishedAsync(client, running[0], succeeded: true);

        await Eventually.HoldsAsync(async () => (await client.BatchV1.ListNamespacedJobAsync(ns)).Items.Count == 0, "the finished job is deleted");
        await Eventually.HoldsAsync(async () => (await PodsAsync(client, ns)).Count == 0, "its pod is collected");
    }

    [Fact]
    public async Task A_suspended_job_runs_no_pods_until_resumed()
    {
        using var client = cluster.Client();
        var ns = await NamespaceAsync(client, "job-suspend");
        var spec = Job("later", completions: 1, parallelism: 1);
        spec.Spec.Suspend = true;
        var job = await client.BatchV1.CreateNamespacedJobAsync(spec, ns);

        await Eventually.HoldsAsync(async () => JobConditions.Get((await client.BatchV1.ReadNamespacedJobAsync("later", ns)).Status, JobConditions.Suspended)?.Status == "True",
            "the job is marked Suspended");
        Assert.Empty(await RunningPodsAsync(client, ns, job));

        var patch = new V1Patch("{\"spec\":{\"suspend\":false}}", V1Patch.PatchType.MergePatch);
        await client.BatchV1.PatchNamespacedJobAsync(patch, "later", ns);
        await Eventually.HoldsAsync(async () => (await RunningPodsAsync(client, ns, job)).Count == 1, "the resumed job runs a pod");
        Assert.Equal("False", JobConditions.Get((await client.BatchV1.ReadNamespacedJobAsync("later", ns)).Status, JobConditions.Suspended)?.Status);
    }
}
