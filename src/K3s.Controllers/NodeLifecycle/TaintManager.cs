using System.Collections.Concurrent;
using k8s;
using k8s.Models;
using K3s.Controllers.Runtime;
using Microsoft.Extensions.Logging;

namespace K3s.Controllers.NodeLifecycle;

/// <summary>
/// Upstream's taint eviction controller: deletes the pods on a node with NoExecute taints they do
/// not tolerate, at once, or once the tolerationSeconds they allow have passed since the taint was
/// added; pods that tolerate the taints for ever stay. Their owners make replacements, which the
/// scheduler places away from the tainted node. Keys are pods; a node's change looks at its pods again.
/// </summary>
public sealed class TaintManager : IReconciler
{
    public const string Component = "taint-eviction-controller";

    private readonly Kubernetes client;
    private readonly Informer<V1Node> nodes;
    private readonly Informer<V1Pod> pods;
    private readonly EventRecorder events;
    private readonly ILogger logger;
    private readonly WorkQueue queue = new();

    /// <summary>When this controller first saw a NoExecute taint that carries no timeAdded (one a user set without it).</summary>
    private readonly ConcurrentDictionary<(string Node, string Key, string? Value), DateTime> firstSeen = new();

    public TaintManager(Kubernetes client, Informer<V1Node> nodes, Informer<V1Pod> pods, ILoggerFactory loggers)
    {
        this.client = client;
        this.nodes = nodes;
        this.pods = pods;
        logger = loggers.CreateLogger<TaintManager>();
        events = new EventRecorder(client, Component, logger);
        nodes.Subscribe(OnNodeChanged);
        pods.Subscribe(queue.Add);
    }

    public Task RunAsync(CancellationToken cancellationToken) =>
        new ControllerLoop("taint eviction controller", queue, this, logger, workers: 4).RunAsync(cancellationToken);

    private void OnNodeChanged(string name)
    {
        nodes.TryGet(name, out var node);
        var current = NoExecuteTaints(node).Select(taint => (Node: name, taint.Key, Value: (string?)taint.Value)).ToHashSet();
        foreach (var seen in firstSeen.Keys.Where(seen => seen.Node == name && !current.Contains(seen)))
            firstSeen.TryRemove(seen, out _);
        foreach (var pod in pods.Items.Where(pod => pod.Spec?.NodeName == name))
            queue.Add(ObjectKey.Of(pod));
    }

    public async Task<TimeSpan?> ReconcileAsync(string key, CancellationToken cancellationToken)
    {
        await Task.WhenAll(nodes.Synced, pods.Synced).WaitAsync(cancellationToken);
        if (!pods.TryGet(key, out var cached) || !OnNode(cached) || !nodes.TryGet(cached.Spec.NodeName, out var cachedNode))
            return null;
        var now = DateTime.UtcNow;
        var due = Due(cached, cachedNode, now);
        if (due is null)
            return null;
        if (due > now)
            return due - now;

        // The caches may lag (the node Ready again, a toleration added): judge once more on fresh reads.
        V1Pod pod;
        V1Node node;
        try
        {
            pod = await client.CoreV1.ReadNamespacedPodAsync(cached.Metadata.Name, cached.Metadata.NamespaceProperty, cancellationToken: cancellationToken);
            node = await client.CoreV1.ReadNodeAsync(cached.Spec.NodeName, cancellationToken: cancellationToken);
        }
        catch (Exception e) when (ApiErrors.IsNotFound(e))
        {
            return null;
        }
        if (!OnNode(pod) || pod.Spec.NodeName != node.Metadata.Name)
            return null;
        due = Due(pod, node, now);
        if (due is null)
            return null;
        if (due > now)
            return due - now;
        await EvictAsync(pod, cancellationToken);
        return null;
    }

    private async Task EvictAsync(V1Pod pod, CancellationToken cancellationToken)
    {
        var (name, @namespace) = (pod.Metadata.Name, pod.Metadata.NamespaceProperty);
        await events.RecordAsync(EventRecorder.About(pod), EventRecorder.Normal, "TaintManagerEviction",
            $"Marking for deletion Pod {@namespace}/{name}", cancellationToken);
        try
        {
            await client.CoreV1.DeleteNamespacedPodAsync(name, @namespace,
                new V1DeleteOptions { Preconditions = new V1Preconditions { Uid = pod.Metadata.Uid } }, cancellationToken: cancellationToken);
            logger.LogInformation("evicted pod {Namespace}/{Name} from node {Node}: NoExecute taint", @namespace, name, pod.Spec.NodeName);
        }
        catch (Exception e) when (ApiErrors.IsNotFound(e) || ApiErrors.IsConflict(e))
        {
            // Gone already, or another pod of that name now: nothing of this one to evict.
        }
    }

    private DateTime? Due(V1Pod pod, V1Node node, DateTime now)
    {
        var taints = NoExecuteTaints(node).ToList();
        return taints.Count == 0 ? null : TaintEviction.Due(pod.Spec.Tolerations, taints, taint => AddedAt(node, taint, now), now);
    }

    private DateTime AddedAt(V1Node node, V1Taint taint, DateTime now) =>
        taint.TimeAdded?.ToUniversalTime() ?? firstSeen.GetOrAdd((node.Metadata.Name, taint.Key, taint.Value), now);

    /// <summary>Bound to a node and not on its way out already.</summary>
    private static bool OnNode(V1Pod pod) =>
        !string.IsNullOrEmpty(pod.Spec?.NodeName) && pod.Metadata.DeletionTimestamp is null;

    private static IEnumerable<V1Taint> NoExecuteTaints(V1Node? node) =>
        (node?.Spec?.Taints ?? []).Where(taint => taint.Effect == NodeTaintKeys.NoExecute);
}
