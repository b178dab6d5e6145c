using k8s;
using k8s.Models;
using K3s.Controllers.ReplicaSets;
using K3s.Controllers.Runtime;
using K3s.Controllers.Workloads;
using Microsoft.Extensions.Logging;

namespace K3s.Controllers.StatefulSets;

/// <summary>
/// Keeps each stateful set's pods SET-0 … SET-(replicas-1), as kube-controller-manager's statefulset
/// controller: claims its member pods, records its template as ControllerRevisions (the current one the
/// pods were rolled out from, the update one they are rolling to), runs one <see cref="StatefulSetPass"/>
/// and reports replicas, readyReplicas, currentReplicas, updatedReplicas, availableReplicas and the two
/// revisions through /status. A set being deleted keeps its pods (the garbage collector decides their fate).
/// Each pass reads the set, its namespace's pods and claims from the API, so a lagging cache never makes
/// it create a pod twice.
/// </summary>
public sealed class StatefulSetController : IReconciler
{
    public const string Component = "statefulset-controller";

    private readonly Kubernetes client;
    private readonly SharedInformers informers;
    private readonly PodClaims claims;
    private readonly ControllerRevisions revisions;
    private readonly DependentRouting<V1Pod, V1StatefulSet> podRouting;
    private readonly EventRecorder events;
    private readonly ILogger logger;

    public StatefulSetController(Kubernetes client, SharedInformers informers, ILoggerFactory loggers)
    {
        this.client = client;
        this.informers = informers;
        claims = new PodClaims(client);
        revisions = new ControllerRevisions(client);
        logger = loggers.CreateLogger<StatefulSetController>();
        events = new EventRecorder(client, Component, logger);
        informers.StatefulSets.Subscribe(Queue.Add);
        podRouting = new(informers.Pods, informers.StatefulSets, "StatefulSet", set => set.Spec.Selector);
        informers.Pods.Subscribe(key => Queue.AddRange(podRouting.OwnersToQueue(key)));
    }

    public WorkQueue Queue { get; } = new();

    public Task RunAsync(CancellationToken cancellationToken) =>
        new ControllerLoop("statefulset controller", Queue, this, logger, workers: 2).RunAsync(cancellationToken);

    public async Task<TimeSpan?> ReconcileAsync(string key, CancellationToken cancellationToken)
    {
        var (@namespace, name) = ObjectKey.Split(key);
        if (await ApiErrors.NullIfNotFoundAsync(client.AppsV1.ReadNamespacedStatefulSetAsync(name, @namespace, cancellationToken: cancellationToken)) is not { } set)
            return null;
        if (LabelSelectors.IsEmpty(set.Spec.Selector))
        {
            logger.LogWarning("statefulset {Key}: an empty selector would select every pod; ignored", key);
            return null;
        }

        var members = await MembersAsync(set, cancellationToken);
        var owned = await revisions.OwnedAsync(set, "StatefulSet", set.Spec.Selector, cancellationToken);
        var deleting = set.Metadata.DeletionTimestamp is not null;
        var update = deleting ? owned.LastOrDefault() : await revisions.EnsureAsync(set, "StatefulSet", set.Spec.Template, owned, cancellationToken);
        if (update is null)
            return null;
        var current = owned.FirstOrDefault(revision => revision.Metadata.Name == set.Status?.CurrentRevision) ?? update;

        if (!deleting)
        {
            var existingClaims = (await client.CoreV1.ListNamespacedPersistentVolumeClaimAsync(@namespace, cancellationToken: cancellationToken))
                .Items.Select(claim => claim.Metadata.Name).ToHashSet();
            var pass = new StatefulSetPass(client, events, set, current, update, existingClaims);
            await pass.RunAsync(members, cancellationToken);
            if (pass.Changed)
                members = await MembersAsync(set, cancellationToken);
        }

        var now = DateTime.UtcNow;
        var status = StatefulSetStatusCalculator.Calculate(set, members, current.Metadata.Name, update.Metadata.Name, now);
        if (!StatefulSetStatusCalculator.SameAs(set.Status, status))
        {
            set.Status = status;
            await client.AppsV1.ReplaceNamespacedStatefulSetStatusAsync(set, name, @namespace, cancellationToken: cancellationToken);
        }
        var inUse = members.Select(StatefulPods.RevisionOf).OfType<string>().Append(status.CurrentRevision).Append(status.UpdateRevision).ToHashSet();
        await revisions.TrimAsync(owned, inUse, set.Spec.RevisionHistoryLimit ?? 10, cancellationToken);
        return NextAvailability(set, members, now);
    }

    /// <summary>The set's pods: SET-ORDINAL pods matching its selector, claimed (orphans adopted) as upstream's isMemberOf filter allows.</summary>
    private async Task<List<V1Pod>> MembersAsync(V1StatefulSet set, CancellationToken cancellationToken)
    {
        var inNamespace = await client.CoreV1.ListNamespacedPodAsync(set.Metadata.NamespaceProperty, cancellationToken: cancellationToken);
        var named = inNamespace.Items.Where(pod => StatefulPods.OrdinalOf(set, pod) is not null);
        return await claims.ClaimAsync(set, "StatefulSet", set.Spec.Selector, named, cancellationToken);
    }

    /// <summary>When the next ready pod becomes available (minReadySeconds), so OrderedReady and the status move on then.</summary>
    private static TimeSpan? NextAvailability(V1StatefulSet set, IEnumerable<V1Pod> pods, DateTime now)
    {
        var waits = pods
            .Select(pod => PodStates.AvailableIn(pod, set.Spec.MinReadySeconds ?? 0, now))
            .Where(wait => wait > TimeSpan.Zero)
            .Select(wait => wait!.Value)
            .ToList();
        return waits.Count == 0 ? null : waits.Min() + TimeSpan.FromMilliseconds(100);
    }
}
