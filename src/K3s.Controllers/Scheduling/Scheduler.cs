using System.Collections.Concurrent;
using System.Net;
using k8s;
using k8s.Autorest;
using k8s.Models;
using K3s.Controllers.Runtime;
using Microsoft.Extensions.Logging;

namespace K3s.Controllers.Scheduling;

/// <summary>
/// kube-scheduler, smaller: places the pods that name this scheduler and no node yet. Decisions are
/// made one at a time over a snapshot of the caches and the node chosen is assumed at once, so the
/// workers can bind (POST pods/NAME/binding, which also sets PodScheduled) and write the event concurrently
/// without two decisions counting the same free room. A pod that fits nowhere gets PodScheduled=False
/// and a FailedScheduling event, and is tried again after a backoff, or at once when a node changes
/// or a pod goes (which may have made room).
/// </summary>
public sealed class Scheduler : IReconciler
{
    public const string Name = "default-scheduler";

    /// <summary>
    /// Decisions take turns, so workers mostly wait on the API (binding, status, event); many of them
    /// keep the datastore's writes flowing (1,000 pending pods bind about twice as fast with 16 as with 4).
    /// </summary>
    private const int Workers = 16;

    private static readonly TimeSpan InitialRetry = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan MaximumRetry = TimeSpan.FromSeconds(30);

    private readonly Kubernetes client;
    private readonly Informer<V1Pod> pods;
    private readonly Informer<V1Node> nodes;
    private readonly WorkQueue queue = new();
    private readonly SchedulingAlgorithm algorithm = new();
    private readonly EventRecorder events;
    private readonly ILogger logger;
    private readonly Lock deciding = new();

    /// <summary>Pods bound here (key → node) that the pod cache still shows without a node.</summary>
    private readonly ConcurrentDictionary<string, string> assumed = new();

    /// <summary>Pods that fit nowhere at their last attempt (key → attempts so far).</summary>
    private readonly ConcurrentDictionary<string, int> unschedulable = new();

    public Scheduler(Kubernetes client, SharedInformers informers, ILoggerFactory loggers)
    {
        this.client = client;
        logger = loggers.CreateLogger<Scheduler>();
        events = new EventRecorder(client, Name, logger);
        pods = informers.Pods;
        nodes = informers.Nodes;
        pods.Subscribe(OnPodChanged);
        nodes.Subscribe(_ => RetryUnschedulable());
    }

    public Task RunAsync(CancellationToken cancellationToken) =>
        new ControllerLoop("scheduler", queue, this, logger, Workers).RunAsync(cancellationToken);

    public async Task<TimeSpan?> ReconcileAsync(string key, CancellationToken cancellationToken)
    {
        await Task.WhenAll(pods.Synced, nodes.Synced).WaitAsync(cancellationToken);
        if (!pods.TryGet(key, out var pod) || !Waiting(pod) || assumed.ContainsKey(key))
            return null;

        ScheduleResult result;
        lock (deciding)
        {
            result = algorithm.Schedule(pod, new ClusterSnapshot(nodes.Items, pods.Items, assumed));
            if (result.NodeName is { } chosen)
                assumed[key] = chosen;
        }
        return result.NodeName is { } node
            ? await BindAsync(key, pod, node, cancellationToken)
            : await ReportUnschedulableAsync(key, pod, result.FailureMessage!, cancellationToken);
    }

    private async Task<TimeSpan?> BindAsync(string key, V1Pod pod, string node, CancellationToken cancellationToken)
    {
        var (name, @namespace) = (pod.Metadata.Name, pod.Metadata.NamespaceProperty);
        try
        {
            await client.CoreV1.CreateNamespacedPodBindingAsync(new V1Binding
            {
                Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = @namespace, Uid = pod.Metadata.Uid },
                Target = new V1ObjectReference { Kind = "Node", ApiVersion = "v1", Name = node },
            }, name, @namespace, cancellationToken: cancellationToken);
        }
        catch (HttpOperationException e) when (e.Response.StatusCode is HttpStatusCode.Conflict or HttpStatusCode.NotFound)
        {
            // Bound meanwhile (by another scheduler) or deleted: nothing left to do; the cache will show which.
            assumed.TryRemove(key, out _);
            return null;
        }
        catch
        {
            assumed.TryRemove(key, out _);
            throw;
        }
        // The binding set PodScheduled=True in the same write, as upstream's binding storage does.
        unschedulable.TryRemove(key, out _);
        logger.LogDebug("scheduled {Pod} on {Node}", key, node);
        await events.RecordAsync(EventRecorder.About(pod), EventRecorder.Normal, "Scheduled",
            $"Successfully assigned {@namespace}/{name} to {node}", cancellationToken);
        return null;
    }

    private async Task<TimeSpan?> ReportUnschedulableAsync(string key, V1Pod pod, string message, CancellationToken cancellationToken)
    {
        var attempts = unschedulable.AddOrUpdate(key, 1, (_, count) => count + 1);
        logger.LogInformation("{Pod} is unschedulable: {Message}", key, message);
        if (!PodScheduledCondition.Shows(pod, "False", "Unschedulable", message))
        {
            try
            {
                await PodScheduledCondition.SetAsync(client, pod, "False", "Unschedulable", message, cancellationToken);
            }
            catch (HttpOperationException e)
            {
                logger.LogDebug("{Pod}: PodScheduled not set: {Error}", key, e.Message);
            }
        }
        await events.RecordAsync(EventRecorder.About(pod), EventRecorder.Warning, "FailedScheduling", message, cancellationToken);
        return Backoff.Delay(InitialRetry, MaximumRetry, attempts - 1);
    }

    private void OnPodChanged(string key)
    {
        if (pods.TryGet(key, out var pod) && string.IsNullOrEmpty(pod.Spec?.NodeName))
        {
            if (Waiting(pod))
                queue.Add(key);
            return;
        }
        assumed.TryRemove(key, out _);
        unschedulable.TryRemove(key, out _);
        // A pod gone or finished frees room on its node.
        if (pod is null || pod.Status?.Phase is "Succeeded" or "Failed")
            RetryUnschedulable();
    }

    private void RetryUnschedulable()
    {
        foreach (var key in unschedulable.Keys)
            queue.Add(key);
    }

    /// <summary>A pod for this scheduler, without a node, neither finished nor being deleted.</summary>
    private static bool Waiting(V1Pod pod) =>
        pod.Spec is not null
        && string.IsNullOrEmpty(pod.Spec.NodeName)
        && pod.Spec.SchedulerName is null or Name
        && pod.Metadata.DeletionTimestamp is null
        && pod.Status?.Phase is not ("Succeeded" or "Failed");
}
