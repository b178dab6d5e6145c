using k8s;
using k8s.Models;
using K3s.Controllers.ReplicaSets;
using K3s.Controllers.Runtime;
using K3s.Controllers.Workloads;
using Microsoft.Extensions.Logging;

namespace K3s.Controllers.DaemonSets;

/// <summary>
/// Runs one pod of each daemon set on every node it belongs on, as kube-controller-manager's daemonset
/// controller: claims matching pods, records the template as a ControllerRevision, creates a pod for
/// each eligible node without one (the scheduler binds it there), deletes pods on nodes that are
/// no longer eligible or gone and failed pods (the next pass replaces them), replaces old pods under
/// RollingUpdate (OnDelete waits for someone to delete them), and reports the status kubectl reads.
/// Each pass reads the daemon set and its namespace's pods from the API, so a lagging pod cache never
/// makes it create a second pod for a node; nodes come from the informer.
/// </summary>
public sealed class DaemonSetController : IReconciler
{
    public const string Component = "daemonset-controller";

    private readonly Kubernetes client;
    private readonly SharedInformers informers;
    private readonly PodClaims claims;
    private readonly ControllerRevisions revisions;
    private readonly DependentRouting<V1Pod, V1DaemonSet> podRouting;
    private readonly EventRecorder events;
    private readonly ILogger logger;

    public DaemonSetController(Kubernetes client, SharedInformers informers, ILoggerFactory loggers)
    {
        this.client = client;
        this.informers = informers;
        claims = new PodClaims(client);
        revisions = new ControllerRevisions(client);
        logger = loggers.CreateLogger<DaemonSetController>();
        events = new EventRecorder(client, Component, logger);
        informers.DaemonSets.Subscribe(Queue.Add);
        podRouting = new(informers.Pods, informers.DaemonSets, "DaemonSet", ds => ds.Spec.Selector);
        informers.Pods.Subscribe(key => Queue.AddRange(podRouting.OwnersToQueue(key)));
        informers.Nodes.Subscribe(_ => QueueAll());
    }

    public WorkQueue Queue { get; } = new();

    public Task RunAsync(CancellationToken cancellationToken) =>
        new ControllerLoop("daemonset controller", Queue, this, logger, workers: 2).RunAsync(cancellationToken);

    /// <summary>A node added, changed or gone may change where every daemon set belongs.</summary>
    private void QueueAll()
    {
        foreach (var daemonSet in informers.DaemonSets.Items)
            Queue.Add(ObjectKey.Of(daemonSet));
    }

    public async Task<TimeSpan?> ReconcileAsync(string key, CancellationToken cancellationToken)
    {
        await informers.Nodes.Synced.WaitAsync(cancellationToken);
        var (@namespace, name) = ObjectKey.Split(key);
        if (await ApiErrors.NullIfNotFoundAsync(client.AppsV1.ReadNamespacedDaemonSetAsync(name, @namespace, cancellationToken: cancellationToken)) is not { } daemonSet)
            return null;
        if (LabelSelectors.IsEmpty(daemonSet.Spec.Selector))
        {
            logger.LogWarning("daemonset {Key}: an empty selector would select every pod; ignored", key);
            return null;
        }

        var inNamespace = await client.CoreV1.ListNamespacedPodAsync(@namespace, cancellationToken: cancellationToken);
        var claimed = await claims.ClaimAsync(daemonSet, "DaemonSet", daemonSet.Spec.Selector, inNamespace.Items, cancellationToken);
        var owned = await revisions.OwnedAsync(daemonSet, "DaemonSet", daemonSet.Spec.Selector, cancellationToken);
        var deleting = daemonSet.Metadata.DeletionTimestamp is not null;
        var revision = deleting ? owned.LastOrDefault() : await revisions.EnsureAsync(daemonSet, "DaemonSet", daemonSet.Spec.Template, owned, cancellationToken);
        var hash = revision is null ? "" : ControllerRevisions.HashOf(revision);

        var nodes = Place(daemonSet, claimed);
        var changed = !deleting && await ManageAsync(daemonSet, nodes, claimed, hash, cancellationToken);
        if (!changed && !deleting && DaemonSetRollingUpdate.IsRollingUpdate(daemonSet))
            changed = await DeleteAsync(daemonSet, DaemonSetRollingUpdate.OldPodsToDelete(daemonSet, nodes, hash, DateTime.UtcNow), cancellationToken);
        if (changed)
        {
            // The pods just created or deleted show in the next pass's list; count from there.
            inNamespace = await client.CoreV1.ListNamespacedPodAsync(@namespace, cancellationToken: cancellationToken);
            nodes = Place(daemonSet, inNamespace.Items.Where(pod => OwnerReferences.IsControlledBy(pod.Metadata, daemonSet.Metadata)).ToList());
        }

        var now = DateTime.UtcNow;
        var status = DaemonSetStatusCalculator.Calculate(daemonSet, nodes, hash, now);
        if (!DaemonSetStatusCalculator.SameAs(daemonSet.Status, status))
        {
            daemonSet.Status = status;
            await client.AppsV1.ReplaceNamespacedDaemonSetStatusAsync(daemonSet, name, @namespace, cancellationToken: cancellationToken);
        }
        if (revision is not null)
        {
            var inUse = claimed.Select(DaemonPods.RevisionHashOf).OfType<string>().Select(podHash => $"{name}-{podHash}").Append(revision.Metadata.Name).ToHashSet();
            await revisions.TrimAsync(owned, inUse, daemonSet.Spec.RevisionHistoryLimit ?? 10, cancellationToken);
        }
        return NextAvailability(daemonSet, nodes, now);
    }

    /// <summary>Every node with the daemon set's placement on it and its active pods there; nodes that are gone appear with no placement.</summary>
    private List<DaemonNode> Place(V1DaemonSet daemonSet, IReadOnlyCollection<V1Pod> pods)
    {
        var active = pods.Where(PodStates.IsActive).ToList();
        var byNode = active.GroupBy(pod => DaemonNodeAffinity.TargetNodeOf(pod) ?? "").ToDictionary(group => group.Key, group => (IReadOnlyList<V1Pod>)group.ToList());
        var nodes = informers.Nodes.Items
            .Select(node => new DaemonNode(node, DaemonNodes.Evaluate(daemonSet, node), byNode.GetValueOrDefault(node.Metadata.Name) ?? []))
            .ToList();
        var known = nodes.Select(node => node.Node.Metadata.Name).ToHashSet();
        foreach (var (nodeName, orphaned) in byNode.Where(pair => !known.Contains(pair.Key)))
            nodes.Add(new DaemonNode(new V1Node { Metadata = new V1ObjectMeta { Name = nodeName } }, new DaemonPlacement(false, false), orphaned));
        return nodes;
    }

    /// <summary>Creates the missing pods and deletes the unwanted ones; true if it changed anything.</summary>
    private async Task<bool> ManageAsync(V1DaemonSet daemonSet, List<DaemonNode> nodes, List<V1Pod> claimed, string hash, CancellationToken cancellationToken)
    {
        var doomed = new List<V1Pod>();
        var creating = new List<string>();
        foreach (var node in nodes)
        {
            if (node.Placement.ShouldRun && node.Pods.Count == 0)
                creating.Add(node.Node.Metadata.Name);
            else if (!node.Placement.ShouldContinueRunning)
                doomed.AddRange(node.Pods);
            else if (node.Pods.Count > 1)
            {
                // Two pods for one node (a race, an adoption): keep the updated one, then the oldest.
                doomed.AddRange(node.Pods
                    .OrderBy(pod => DaemonPods.RevisionHashOf(pod) == hash ? 0 : 1)
                    .ThenBy(pod => pod.Metadata.CreationTimestamp ?? DateTime.MaxValue)
                    .Skip(1));
            }
        }
        // A failed daemon pod is deleted; the pass after creates its replacement.
        doomed.AddRange(claimed.Where(pod => pod.Status?.Phase == "Failed" && pod.Metadata.DeletionTimestamp is null));

        foreach (var nodeName in creating)
        {
            var pod = await client.CoreV1.CreateNamespacedPodAsync(DaemonPods.NewPod(daemonSet, hash, nodeName), daemonSet.Metadata.NamespaceProperty, cancellationToken: cancellationToken);
            await events.RecordAsync(EventRecorder.About(daemonSet, "apps/v1", "DaemonSet"), EventRecorder.Normal, "SuccessfulCreate", $"Created pod: {pod.Metadata.Name}", cancellationToken);
        }
        await DeleteAsync(daemonSet, doomed, cancellationToken);
        return creating.Count > 0 || doomed.Count > 0;
    }

    private async Task<bool> DeleteAsync(V1DaemonSet daemonSet, IReadOnlyCollection<V1Pod> pods, CancellationToken cancellationToken)
    {
        foreach (var pod in pods.DistinctBy(pod => pod.Metadata.Uid))
        {
            try
            {
                await client.CoreV1.DeleteNamespacedPodAsync(pod.Metadata.Name, pod.Metadata.NamespaceProperty, cancellationToken: cancellationToken);
            }
            catch (Exception e) when (ApiErrors.IsNotFound(e))
            {
                continue;
            }
            await events.RecordAsync(EventRecorder.About(daemonSet, "apps/v1", "DaemonSet"), EventRecorder.Normal, "SuccessfulDelete", $"Deleted pod: {pod.Metadata.Name}", cancellationToken);
        }
        return pods.Count > 0;
    }

    /// <summary>When the next ready pod becomes available (minReadySeconds), so the status and the rollout move on then.</summary>
    private static TimeSpan? NextAvailability(V1DaemonSet daemonSet, IEnumerable<DaemonNode> nodes, DateTime now)
    {
        var waits = nodes.SelectMany(node => node.Pods)
            .Select(pod => PodStates.AvailableIn(pod, daemonSet.Spec.MinReadySeconds ?? 0, now))
            .Where(wait => wait > TimeSpan.Zero)
            .Select(wait => wait!.Value)
            .ToList();
        return waits.Count == 0 ? null : waits.Min() + TimeSpan.FromMilliseconds(100);
    }
}
