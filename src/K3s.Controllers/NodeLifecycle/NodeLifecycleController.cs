using System.Collections.Concurrent;
using k8s;
using k8s.Models;
using K3s.Controllers.Runtime;
using Microsoft.Extensions.Logging;

namespace K3s.Controllers.NodeLifecycle;

/// <summary>
/// kube-controller-manager's node lifecycle controller: a node whose kubelet neither renews its lease
/// in kube-node-lease nor posts its status for the grace period gets its kubelet-owned conditions set
/// to Unknown; every node gets the taints its conditions and spec.unschedulable call for; and the pods
/// of a node that is not Ready are marked not Ready. Evicting pods from NoExecute taints is the
/// <see cref="TaintManager"/>'s part, on the same caches. Without zone disruption handling or eviction
/// rate limits: k3s clusters are small and every node counts alike.
/// </summary>
public sealed class NodeLifecycleController : IReconciler
{
    public const string Component = "node-controller";
    public const string LeaseNamespace = "kube-node-lease";

    /// <summary>Looked at again a little after the grace period ends, so the timer never fires a moment too early.</summary>
    private static readonly TimeSpan RecheckMargin = TimeSpan.FromMilliseconds(100);

    private readonly Kubernetes client;
    private readonly NodeLifecycleOptions options;
    private readonly Informer<V1Node> nodes;
    private readonly Informer<V1Lease> leases;
    private readonly Informer<V1Pod> pods;
    private readonly TaintManager taintManager;
    private readonly NodeHeartbeats heartbeats = new();
    private readonly WorkQueue queue = new();
    private readonly EventRecorder events;
    private readonly ILogger logger;

    /// <summary>The Ready status each node had when last looked at, to notice it leaving True.</summary>
    private readonly ConcurrentDictionary<string, string?> lastReady = new();

    public NodeLifecycleController(Kubernetes client, NodeLifecycleOptions? options, SharedInformers informers, ILoggerFactory loggers, TimeSpan resyncPeriod)
    {
        this.client = client;
        this.options = options ?? new NodeLifecycleOptions();
        logger = loggers.CreateLogger<NodeLifecycleController>();
        events = new EventRecorder(client, Component, logger);
        nodes = informers.Nodes;
        leases = new Informer<V1Lease>(ClusterSources.Leases(client, LeaseNamespace), resyncPeriod, loggers.CreateLogger<Informer<V1Lease>>());
        pods = informers.Pods;
        taintManager = new TaintManager(client, nodes, pods, loggers);
        nodes.Subscribe(queue.Add);
        // A lease is named after its node.
        leases.Subscribe(key => queue.Add(ObjectKey.Split(key).Name));
        pods.Subscribe(OnPodChanged);
    }

    public Task RunAsync(CancellationToken cancellationToken) => Task.WhenAll(
        leases.RunAsync(cancellationToken),
        new ControllerLoop("node lifecycle controller", queue, this, logger, workers: 2).RunAsync(cancellationToken),
        taintManager.RunAsync(cancellationToken));

    /// <summary>A pod that lands on a node that is not Ready must be marked not Ready too.</summary>
    private void OnPodChanged(string key)
    {
        if (pods.TryGet(key, out var pod) && pod.Spec?.NodeName is { Length: > 0 } node && PodsNotReady.NeedsMarking(pod)
            && nodes.TryGet(node, out var cached) && NodeConditions.ReadyStatus(cached) != "True")
            queue.Add(node);
    }

    public async Task<TimeSpan?> ReconcileAsync(string name, CancellationToken cancellationToken)
    {
        await Task.WhenAll(nodes.Synced, leases.Synced, pods.Synced).WaitAsync(cancellationToken);
        if (!nodes.TryGet(name, out var node))
        {
            heartbeats.Forget(name);
            lastReady.TryRemove(name, out _);
            return null;
        }
        var now = DateTime.UtcNow;
        if (!heartbeats.Knows(name))
            await RecordAsync(node, EventRecorder.Normal, "RegisteredNode", $"Node {name} event: Registered Node {name} in Controller", cancellationToken);
        leases.TryGet($"{LeaseNamespace}/{name}", out var lease);
        var silentUntil = heartbeats.Observe(node, lease, now) + options.GracePeriod;

        if (now >= silentUntil && !NodeConditions.AllUnknown(node))
        {
            var unknown = ModelCopies.DeepCopy(node);
            NodeConditions.MarkUnknown(unknown, now);
            node = await client.CoreV1.ReplaceNodeStatusAsync(unknown, name, cancellationToken: cancellationToken);
            logger.LogInformation("node {Node}: not heard from for {Seconds} s; its conditions are Unknown now", name, (int)options.GracePeriod.TotalSeconds);
        }
        await NoticeReadinessAsync(node, cancellationToken);

        if (ConditionTaints.Reconcile(node, now) is { } taints)
        {
            var tainted = ModelCopies.DeepCopy(node);
            tainted.Spec ??= new V1NodeSpec();
            tainted.Spec.Taints = taints;
            node = await client.CoreV1.ReplaceNodeAsync(tainted, name, cancellationToken: cancellationToken);
        }

        if (NodeConditions.ReadyStatus(node) != "True")
            await MarkPodsNotReadyAsync(name, now, cancellationToken);

        return NodeConditions.AllUnknown(node) ? null : Max(silentUntil - now, TimeSpan.Zero) + RecheckMargin;
    }

    /// <summary>Records NodeNotReady once when a node's Ready condition leaves True (as upstream's RecordNodeStatusChange).</summary>
    private async Task NoticeReadinessAsync(V1Node node, CancellationToken cancellationToken)
    {
        var ready = NodeConditions.ReadyStatus(node);
        var before = lastReady.GetValueOrDefault(node.Metadata.Name);
        lastReady[node.Metadata.Name] = ready;
        if (before == "True" && ready != "True")
            await RecordAsync(node, EventRecorder.Normal, "NodeNotReady", $"Node {node.Metadata.Name} status is now: NodeNotReady", cancellationToken);
    }

    private async Task MarkPodsNotReadyAsync(string node, DateTime now, CancellationToken cancellationToken)
    {
        foreach (var pod in pods.Items.Where(pod => pod.Spec?.NodeName == node && PodsNotReady.NeedsMarking(pod)))
        {
            try
            {
                await PodsNotReady.MarkAsync(client, pod, now, cancellationToken);
            }
            catch (Exception e) when (ApiErrors.IsNotFound(e))
            {
                continue;
            }
            await events.RecordAsync(EventRecorder.About(pod), EventRecorder.Warning, "NodeNotReady", "Node is not ready", cancellationToken);
        }
    }

    private Task RecordAsync(V1Node node, string type, string reason, string message, CancellationToken cancellationToken) =>
        events.RecordAsync(new V1ObjectReference { Kind = "Node", ApiVersion = "v1", Name = node.Metadata.Name, Uid = node.Metadata.Uid },
            type, reason, message, cancellationToken);

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;
}
