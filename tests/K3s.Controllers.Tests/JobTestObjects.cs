using k8s;
using k8s.Models;

namespace K3s.Controllers.Tests;

/// <summary>What the job and cronjob tests create, and the kubelet's part they play: reporting a pod finished.</summary>
internal static class JobTestObjects
{
    public static V1Job Job(string name, int? completions, int parallelism, int backoffLimit = 6, string? completionMode = null) => new()
    {
        ApiVersion = "batch/v1",
        Kind = "Job",
        Metadata = new V1ObjectMeta { Name = name },
        Spec = new V1JobSpec
        {
            Completions = completions,
            Parallelism = parallelism,
            BackoffLimit = backoffLimit,
            CompletionMode = completionMode,
            Template = PodTemplate(),
        },
    };

    public static V1CronJob CronJob(string name, string schedule) => new()
    {
        ApiVersion = "batch/v1",
        Kind = "CronJob",
        Metadata = new V1ObjectMeta { Name = name },
        Spec = new V1CronJobSpec
        {
            Schedule = schedule,
            JobTemplate = new V1JobTemplateSpec
            {
                Metadata = new V1ObjectMeta { Labels = new Dictionary<string, string> { ["app"] = name } },
                Spec = new V1JobSpec { Template = PodTemplate() },
            },
        },
    };

    private static V1PodTemplateSpec PodTemplate() => new()
    {
        Spec = new V1PodSpec
        {
            RestartPolicy = "Never",
            Containers = [new V1Container { Name = "main", Image = "busybox:1.36", Command = ["true"] }],
        },
    };

    /// <summary>The pods a job controls that have not finished and are not being deleted.</summary>
    public static async Task<List<V1Pod>> RunningPodsAsync(Kubernetes client, string @namespace, V1Job job) =>
        (await client.CoreV1.ListNamespacedPodAsync(@namespace)).Items
            .Where(pod => WorkloadTestObjects.ControlledBy(pod.Metadata, job))
            .Where(pod => pod.Metadata.DeletionTimestamp is null && pod.Status?.Phase is not ("Succeeded" or "Failed"))
            .ToList();

    /// <summary>Reports the pod's containers exited, as its kubelet would: phase Succeeded or Failed through /status; retried on 409.</summary>
    public static async Task ReportFinishedAsync(Kubernetes client, V1Pod pod, bool succeeded)
    {
        for (var attempt = 1; ; attempt++)
        {
            var current = await client.CoreV1.ReadNamespacedPodAsync(pod.Metadata.Name, pod.Metadata.NamespaceProperty);
            var now = DateTime.UtcNow;
            current.Status ??= new V1PodStatus();
            current.Status.Phase = succeeded ? "Succeeded" : "Failed";
            current.Status.ContainerStatuses =
            [
                new V1ContainerStatus
                {
                    Name = "main",
                    Image = "busybox:1.36",
                    ImageID = "",
                    Ready = false,
                    RestartCount = 0,
                    State = new V1ContainerState
                    {
                        Terminated = new V1ContainerStateTerminated { ExitCode = succeeded ? 0 : 1, FinishedAt = now, Reason = succeeded ? "Completed" : "Error" },
                    },
                },
            ];
            try
            {
                await client.CoreV1.ReplaceNamespacedPodStatusAsync(current, current.Metadata.Name, current.Metadata.NamespaceProperty);
                return;
            }
            catch (k8s.Autorest.HttpOperationException e) when (e.Response.StatusCode == System.Net.HttpStatusCode.Conflict && attempt < 10)
            {
            }
        }
    }
}
