using System.Globalization;
using k8s;
using k8s.Models;
using K3s.Controllers.Runtime;
using K3s.Controllers.Workloads;
using Microsoft.Extensions.Logging;

namespace K3s.Controllers.GarbageCollection;

/// <summary>
/// kube-controller-manager's garbage collector for the kinds it follows, from the dependent's side and
/// the owner's:
/// - an object none of whose owners exists any more is deleted (background cascading deletion);
///   references to owners that are gone are removed while another owner remains;
/// - an owner deleted with the foregroundDeletion finalizer has its dependents deleted first and
///   loses the finalizer once no dependent that blocks owner deletion is left;
/// - an owner deleted with the orphan finalizer has its references removed from its dependents, then loses the finalizer.
/// Owners are found in the informers' caches and confirmed against the API before anything is collected,
/// since a cache may not have seen an owner created a moment ago.
/// </summary>
public sealed class GarbageCollector : IReconciler
{
    /// <summary>How often an owner waiting in the foreground looks at its dependents again (their changes also bring it back).</summary>
    private static readonly TimeSpan DependentsPollInterval = TimeSpan.FromSeconds(1);

    private readonly RawApi api;
    private readonly ObjectEdits edits;
    private readonly IReadOnlyList<TrackedResource> resources;
    private readonly LastKnownOwners owners = new();
    private readonly ILogger logger;

    public GarbageCollector(Kubernetes client, SharedInformers informers, ILoggerFactory loggers)
    {
        api = new RawApi(client);
        edits = new ObjectEdits(api);
        logger = loggers.CreateLogger<GarbageCollector>();
        resources =
        [
            TrackedResource.From(informers.Deployments, "apps/v1", "Deployment", "deployments", namespaced: true),
            TrackedResource.From(informers.ReplicaSets, "apps/v1", "ReplicaSet", "replicasets", namespaced: true),
            TrackedResource.From(informers.DaemonSets, "apps/v1", "DaemonSet", "daemonsets", namespaced: true),
            TrackedResource.From(informers.StatefulSets, "apps/v1", "StatefulSet", "statefulsets", namespaced: true),
            TrackedResource.From(informers.ControllerRevisions, "apps/v1", "ControllerRevision", "controllerrevisions", namespaced: true),
            TrackedResource.From(informers.Pods, "v1", "Pod", "pods", namespaced: true),
            TrackedResource.From(informers.Jobs, "batch/v1", "Job", "jobs", namespaced: true),
            TrackedResource.From(informers.CronJobs, "batch/v1", "CronJob", "cronjobs", namespaced: true),
        ];
        for (var index = 0; index < resources.Count; index++)
        {
            var resourceIndex = index;
            resources[index].Subscribe(key => OnChanged(resourceIndex, key));
        }
    }

    public WorkQueue Queue { get; } = new();

    public Task RunAsync(CancellationToken cancellationToken) =>
        new ControllerLoop("garbage collector", Queue, this, logger, workers: 4).RunAsync(cancellationToken);

    /// <summary>
    /// An object's change is looked at for itself, for the owners it had or has (one waiting for its
    /// dependents may now be free), and, once it is gone, for its dependents (their reference now dangles).
    /// </summary>
    private void OnChanged(int resourceIndex, string key)
    {
        var resource = resources[resourceIndex];
        var metadata = resource.Find(key);
        var (@namespace, name) = resource.Namespaced ? ObjectKey.Split(key) : (null, key);
        Queue.Add(QueueKey(resourceIndex, key));
        foreach (var owner in owners.Update(QueueKey(resourceIndex, key), metadata))
        {
            var ownerIndex = IndexOf(owner);
            if (ownerIndex >= 0)
                Queue.Add(QueueKey(ownerIndex, resources[ownerIndex].KeyOf(@namespace, owner.Name)));
        }
        if (metadata is null)
        {
            foreach (var (dependentIndex, dependent) in Dependents(resource, @namespace, reference => reference.Name == name))
                Queue.Add(QueueKey(dependentIndex, resources[dependentIndex].KeyOf(dependent.NamespaceProperty, dependent.Name)));
        }
    }

    public async Task<TimeSpan?> ReconcileAsync(string queueKey, CancellationToken cancellationToken)
    {
        var separator = queueKey.IndexOf('|');
        var resource = resources[int.Parse(queueKey[..separator], CultureInfo.InvariantCulture)];
        var metadata = resource.Find(queueKey[(separator + 1)..]);
        if (metadata is null)
            return null;
        if (metadata.DeletionTimestamp is not null)
        {
            if (metadata.Finalizers?.Contains(ObjectEdits.OrphanFinalizer) == true)
                await OrphanDependentsAsync(resource, metadata, cancellationToken);
            else if (metadata.Finalizers?.Contains(ObjectEdits.ForegroundFinalizer) == true)
                return await FinishForegroundDeletionAsync(resource, metadata, cancellationToken);
            return null;
        }
        if (metadata.OwnerReferences is { Count: > 0 })
            await CollectIfOwnersGoneAsync(resource, metadata, cancellationToken);
        return null;
    }

    private async Task CollectIfOwnersGoneAsync(TrackedResource resource, V1ObjectMeta metadata, CancellationToken cancellationToken)
    {
        var solid = new List<V1OwnerReference>();
        var unwanted = new List<V1OwnerReference>();
        var waiting = false;
        foreach (var reference in metadata.OwnerReferences)
        {
            var state = await OwnerStateAsync(metadata.NamespaceProperty, reference, cancellationToken);
            if (state == OwnerState.Solid)
                solid.Add(reference);
            else
                unwanted.Add(reference);
            waiting |= state == OwnerState.WaitingForDependents;
        }
        var path = resource.ItemPath(metadata.NamespaceProperty, metadata.Name);
        if (solid.Count == 0)
        {
            // An owner waiting in the foreground wants this object's own dependents gone before it, too.
            var hasDependents = Dependents(resource, metadata.NamespaceProperty, reference => reference.Uid == metadata.Uid).Any();
            var policy = waiting && hasDependents ? "Foreground" : "Background";
            logger.LogDebug("garbage collector: deleting {Kind} {Namespace}/{Name} ({Policy}): its owners are gone", resource.Kind, metadata.NamespaceProperty, metadata.Name, policy);
            await edits.DeleteAsync(path, policy, cancellationToken);
        }
        else if (unwanted.Count > 0)
        {
            // Another owner keeps it: drop only the references to owners that are gone or going.
            var uids = unwanted.Select(reference => reference.Uid).ToHashSet();
            await edits.EditAsync(path, metadata.Uid, item => ObjectEdits.RemoveOwnerReferences(item, uids), cancellationToken);
        }
    }

    private async Task<OwnerState> OwnerStateAsync(string? @namespace, V1OwnerReference reference, CancellationToken cancellationToken)
    {
        var index = IndexOf(reference);
        if (index < 0)
            return OwnerState.Solid;
        var resource = resources[index];
        var owner = resource.Find(resource.KeyOf(@namespace, reference.Name));
        if (owner is null || owner.Uid != reference.Uid)
        {
            try
            {
                var live = await api.GetAsync(resource.ItemPath(@namespace, reference.Name), cancellationToken);
                owner = KubernetesJson.Deserialize<V1ObjectMeta>(live["metadata"]!.ToJsonString());
            }
            catch (Exception e) when (ApiErrors.IsNotFound(e))
            {
                return OwnerState.Absent;
            }
            if (owner.Uid != reference.Uid)
                return OwnerState.Absent;
        }
        return owner.DeletionTimestamp is not null && owner.Finalizers?.Contains(ObjectEdits.ForegroundFinalizer) == true
            ? OwnerState.WaitingForDependents
            : OwnerState.Solid;
    }

    /// <summary>Dependents are collected from their side; the owner goes once none that blocks it is left.</summary>
    private async Task<TimeSpan?> FinishForegroundDeletionAsync(TrackedResource resource, V1ObjectMeta owner, CancellationToken cancellationToken)
    {
        var dependents = Dependents(resource, owner.NamespaceProperty, reference => reference.Uid == owner.Uid).ToList();
        foreach (var (index, dependent) in dependents)
            Queue.Add(QueueKey(index, resources[index].KeyOf(dependent.NamespaceProperty, dependent.Name)));
        var blocked = dependents.Any(dependent => dependent.Metadata.OwnerReferences.Any(reference => reference.Uid == owner.Uid && reference.BlockOwnerDeletion == true));
        if (blocked)
            return DependentsPollInterval;
        await edits.EditAsync(resource.ItemPath(owner.NamespaceProperty, owner.Name), owner.Uid,
            item => ObjectEdits.RemoveFinalizer(item, ObjectEdits.ForegroundFinalizer), cancellationToken);
        return null;
    }

    private async Task OrphanDependentsAsync(TrackedResource resource, V1ObjectMeta owner, CancellationToken cancellationToken)
    {
        var ownerUid = new HashSet<string> { owner.Uid };
        foreach (var (index, dependent) in Dependents(resource, owner.NamespaceProperty, reference => reference.Uid == owner.Uid).ToList())
        {
            await edits.EditAsync(resources[index].ItemPath(dependent.NamespaceProperty, dependent.Name), dependent.Uid,
                item => ObjectEdits.RemoveOwnerReferences(item, ownerUid), cancellationToken);
        }
        await edits.EditAsync(resource.ItemPath(owner.NamespaceProperty, owner.Name), owner.Uid,
            item => ObjectEdits.RemoveFinalizer(item, ObjectEdits.OrphanFinalizer), cancellationToken);
    }

    /// <summary>Objects with an owner reference to this kind that the predicate accepts, in the owner's namespace (anywhere for a cluster-scoped owner).</summary>
    private IEnumerable<(int Index, V1ObjectMeta Metadata)> Dependents(TrackedResource owner, string? @namespace, Func<V1OwnerReference, bool> refersToOwner) =>
        resources.SelectMany((resource, index) => resource.All()
            .Where(item => !owner.Namespaced || item.NamespaceProperty == @namespace)
            .Where(item => item.OwnerReferences?.Any(reference => owner.IsKindOf(reference) && refersToOwner(reference)) == true)
            .Select(item => (index, item)));

    private int IndexOf(V1OwnerReference reference)
    {
        for (var index = 0; index < resources.Count; index++)
        {
            if (resources[index].IsKindOf(reference))
                return index;
        }
        return -1;
    }

    private static string QueueKey(int resourceIndex, string key) => $"{resourceIndex}|{key}";
}
