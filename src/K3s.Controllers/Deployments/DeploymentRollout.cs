using System.Globalization;
using k8s;
using k8s.Models;
using K3s.Controllers.Runtime;

namespace K3s.Controllers.Deployments;

/// <summary>
/// One pass over one deployment and the replica sets it controls: finding or creating the new replica
/// set (the one whose template is the deployment's), revisions, scaling, history clean-up and status.
/// The strategies (<see cref="RollingUpdate"/>, <see cref="RecreateUpdate"/>) decide what to scale; each
/// resize is told as upstream's ScalingReplicaSet event, which `kubectl describe deployment` shows.
/// </summary>
public sealed class DeploymentRollout(Kubernetes client, EventRecorder events, V1Deployment deployment, List<V1ReplicaSet> replicaSets)
{
    public V1Deployment Deployment { get; private set; } = deployment;

    public V1ReplicaSet? NewReplicaSet { get; private set; }

    public int Desired => Deployment.Spec.Replicas ?? 1;

    public List<V1ReplicaSet> OldReplicaSets => replicaSets.Where(rs => !ReferenceEquals(rs, NewReplicaSet)).ToList();

    public List<V1ReplicaSet> AllReplicaSets => NewReplicaSet is null ? OldReplicaSets : [.. OldReplicaSets, NewReplicaSet];

    private string Namespace => Deployment.Metadata.NamespaceProperty;

    /// <summary>
    /// Finds the new replica set (creating it if asked), gives it the next revision and records that
    /// revision on the deployment, as upstream's getAllReplicaSetsAndSyncRevision.
    /// </summary>
    public async Task SyncRevisionAsync(bool createIfMissing, CancellationToken cancellationToken)
    {
        FindNewReplicaSet();
        var revision = (OldReplicaSets.Select(rs => DeploymentAnnotations.RevisionOf(rs.Metadata)).DefaultIfEmpty(0).Max() + 1)
            .ToString(CultureInfo.InvariantCulture);
        if (NewReplicaSet is not null)
        {
            var stale = DeploymentAnnotations.RevisionOf(NewReplicaSet.Metadata) < long.Parse(revision, CultureInfo.InvariantCulture);
            var changed = stale && DeploymentAnnotations.Set(NewReplicaSet.Metadata, DeploymentAnnotations.Revision, revision);
            changed |= SetReplicaAnnotations(NewReplicaSet);
            if (changed)
                Swap(NewReplicaSet, await client.AppsV1.ReplaceNamespacedReplicaSetAsync(NewReplicaSet, NewReplicaSet.Metadata.Name, Namespace, cancellationToken: cancellationToken));
            if (DeploymentConditions.Get(Deployment.Status, DeploymentConditions.Progressing) is null && DeploymentStatusCalculator.HasProgressDeadline(Deployment))
            {
                Deployment.Status ??= new V1DeploymentStatus();
                DeploymentConditions.Set(Deployment.Status, DeploymentConditions.New(DeploymentConditions.Progressing, true,
                    DeploymentConditions.FoundNewReplicaSet, $"Found new replica set \"{NewReplicaSet.Metadata.Name}\"", DateTime.UtcNow));
            }
        }
        else if (createIfMissing)
        {
            NewReplicaSet = await CreateNewReplicaSetAsync(revision, cancellationToken);
        }

        if (NewReplicaSet is not null && DeploymentAnnotations.RevisionOf(NewReplicaSet.Metadata) != DeploymentAnnotations.RevisionOf(Deployment.Metadata))
        {
            DeploymentAnnotations.Set(Deployment.Metadata, DeploymentAnnotations.Revision, NewReplicaSet.Metadata.Annotations[DeploymentAnnotations.Revision]);
            var status = Deployment.Status;
            Deployment = await client.AppsV1.ReplaceNamespacedDeploymentAsync(Deployment, Deployment.Metadata.Name, Namespace, cancellationToken: cancellationToken);
            // Conditions set during this pass are not stored yet; the status update at the end writes them.
            Deployment.Status = status;
        }
    }

    /// <summary>The oldest replica set whose template is the deployment's is the new one; the others are old.</summary>
    public void FindNewReplicaSet() =>
        NewReplicaSet = replicaSets
            .Where(rs => PodTemplateHash.SameTemplate(rs.Spec.Template, Deployment.Spec.Template))
            .OrderBy(rs => rs.Metadata.CreationTimestamp).ThenBy(rs => rs.Metadata.Name, StringComparer.Ordinal)
            .FirstOrDefault();

    /// <summary>The replica count the new replica set may have now (upstream's NewRSNewReplicas).</summary>
    public int NewReplicaSetReplicas()
    {
        var current = NewReplicaSet?.Spec.Replicas ?? 0;
        if (!RolloutFenceposts.IsRollingUpdate(Deployment))
            return Desired;
        var maxTotal = Desired + RolloutFenceposts.MaxSurge(Deployment);
        var podCount = AllReplicaSets.Sum(rs => rs.Spec.Replicas ?? 0);
        if (podCount >= maxTotal)
            return current;
        return current + Math.Min(maxTotal - podCount, Desired - current);
    }

    private async Task<V1ReplicaSet> CreateNewReplicaSetAsync(string revision, CancellationToken cancellationToken)
    {
        var hash = PodTemplateHash.Compute(Deployment.Spec.Template, Deployment.Status?.CollisionCount);
        var template = ModelCopies.DeepCopy(Deployment.Spec.Template);
        template.Metadata ??= new V1ObjectMeta();
        template.Metadata.Labels ??= new Dictionary<string, string>();
        template.Metadata.Labels[PodTemplateHash.Label] = hash;
        var selector = ModelCopies.DeepCopy(Deployment.Spec.Selector);
        selector.MatchLabels ??= new Dictionary<string, string>();
        selector.MatchLabels[PodTemplateHash.Label] = hash;
        var replicaSet = new V1ReplicaSet
        {
            ApiVersion = "apps/v1",
            Kind = "ReplicaSet",
            Metadata = new V1ObjectMeta
            {
                Name = $"{Deployment.Metadata.Name}-{hash}",
                NamespaceProperty = Namespace,
                Labels = new Dictionary<string, string>(template.Metadata.Labels),
                Annotations = DeploymentAnnotations.CopiedFrom(Deployment),
                OwnerReferences = [OwnerReferences.ControllerReference(Deployment, "apps/v1", "Deployment")],
            },
            Spec = new V1ReplicaSetSpec { Replicas = 0, MinReadySeconds = Deployment.Spec.MinReadySeconds, Selector = selector, Template = template },
        };
        DeploymentAnnotations.Set(replicaSet.Metadata, DeploymentAnnotations.Revision, revision);
        SetReplicaAnnotations(replicaSet);
        NewReplicaSet = replicaSet;
        replicaSet.Spec.Replicas = NewReplicaSetReplicas();
        try
        {
            var created = await client.AppsV1.CreateNamespacedReplicaSetAsync(replicaSet, Namespace, cancellationToken: cancellationToken);
            replicaSets.Add(created);
            if (created.Spec.Replicas is > 0)
                await RecordScalingAsync(created.Metadata.Name, 0, created.Spec.Replicas.Value, cancellationToken);
            Deployment.Status ??= new V1DeploymentStatus();
            if (DeploymentStatusCalculator.HasProgressDeadline(Deployment))
                DeploymentConditions.Set(Deployment.Status, DeploymentConditions.New(DeploymentConditions.Progressing, true,
                    DeploymentConditions.NewReplicaSetCreated, $"Created new replica set \"{created.Metadata.Name}\"", DateTime.UtcNow));
            return created;
        }
        catch (Exception e) when (ApiErrors.IsConflict(e))
        {
            NewReplicaSet = null;
            return await ResolveNameCollisionAsync(replicaSet.Metadata.Name, cancellationToken);
        }
    }

    /// <summary>
    /// A replica set of that name exists: if it is ours with this template, a cache lagged and it is
    /// the new one; otherwise two templates hashed alike, and the collision count changes the next hash.
    /// </summary>
    private async Task<V1ReplicaSet> ResolveNameCollisionAsync(string name, CancellationToken cancellationToken)
    {
        var existing = await client.AppsV1.ReadNamespacedReplicaSetAsync(name, Namespace, cancellationToken: cancellationToken);
        if (OwnerReferences.IsControlledBy(existing.Metadata, Deployment.Metadata) && PodTemplateHash.SameTemplate(existing.Spec.Template, Deployment.Spec.Template))
        {
            replicaSets.Add(existing);
            return existing;
        }
        Deployment.Status ??= new V1DeploymentStatus();
        Deployment.Status.CollisionCount = (Deployment.Status.CollisionCount ?? 0) + 1;
        await client.AppsV1.ReplaceNamespacedDeploymentStatusAsync(Deployment, Deployment.Metadata.Name, Namespace, cancellationToken: cancellationToken);
        throw new InvalidOperationException($"replica set {name} exists with another template; hashing again with collision count {Deployment.Status.CollisionCount}");
    }

    /// <summary>Sets a replica set's size; true if the size changed (annotation updates alone do not count).</summary>
    public async Task<bool> ScaleAsync(V1ReplicaSet replicaSet, int replicas, CancellationToken cancellationToken)
    {
        var resized = (replicaSet.Spec.Replicas ?? 0) != replicas;
        var annotated = SetReplicaAnnotations(replicaSet);
        if (!resized && !annotated)
            return false;
        var before = replicaSet.Spec.Replicas ?? 0;
        replicaSet.Spec.Replicas = replicas;
        Swap(replicaSet, await client.AppsV1.ReplaceNamespacedReplicaSetAsync(replicaSet, replicaSet.Metadata.Name, Namespace, cancellationToken: cancellationToken));
        if (resized)
            await RecordScalingAsync(replicaSet.Metadata.Name, before, replicas, cancellationToken);
        return resized;
    }

    private Task RecordScalingAsync(string replicaSet, int from, int to, CancellationToken cancellationToken) =>
        events.RecordAsync(EventRecorder.About(Deployment, "apps/v1", "Deployment"), EventRecorder.Normal, "ScalingReplicaSet",
            $"Scaled {(to > from ? "up" : "down")} replica set {replicaSet} from {from} to {to}", cancellationToken);

    /// <summary>
    /// Deletes the oldest replica sets beyond revisionHistoryLimit; only empty ones whose controller has
    /// caught up, as upstream's cleanupDeployment.
    /// </summary>
    public async Task CleanupHistoryAsync(CancellationToken cancellationToken)
    {
        if (Deployment.Spec.RevisionHistoryLimit is not { } limit)
            return;
        var alive = OldReplicaSets.Where(rs => rs.Metadata.DeletionTimestamp is null)
            .OrderBy(rs => DeploymentAnnotations.RevisionOf(rs.Metadata)).ThenBy(rs => rs.Metadata.CreationTimestamp).ToList();
        var excess = alive.Count - limit;
        foreach (var replicaSet in alive.Take(Math.Max(0, excess)))
        {
            if ((replicaSet.Status?.Replicas ?? 0) != 0 || (replicaSet.Spec.Replicas ?? 0) != 0
                || (replicaSet.Metadata.Generation ?? 0) > (replicaSet.Status?.ObservedGeneration ?? 0))
                continue;
            try
            {
                await client.AppsV1.DeleteNamespacedReplicaSetAsync(replicaSet.Metadata.Name, Namespace, cancellationToken: cancellationToken);
            }
            catch (Exception e) when (ApiErrors.IsNotFound(e))
            {
            }
        }
    }

    /// <summary>Writes the status computed from the replica sets if it differs; returns when to look again for the progress deadline.</summary>
    public async Task<TimeSpan?> SyncStatusAsync(CancellationToken cancellationToken)
    {
        var now = DateTime.UtcNow;
        var status = DeploymentStatusCalculator.Calculate(Deployment, AllReplicaSets, NewReplicaSet, now);
        if (!DeploymentStatusCalculator.SameAs(Deployment.Status, status))
        {
            Deployment.Status = status;
            Deployment = await client.AppsV1.ReplaceNamespacedDeploymentStatusAsync(Deployment, Deployment.Metadata.Name, Namespace, cancellationToken: cancellationToken);
        }
        return DeploymentStatusCalculator.UntilDeadline(Deployment, status, now);
    }

    /// <summary>desired-replicas and max-replicas, as upstream records them for proportional scaling.</summary>
    private bool SetReplicaAnnotations(V1ReplicaSet replicaSet) =>
        DeploymentAnnotations.Set(replicaSet.Metadata, DeploymentAnnotations.DesiredReplicas, Desired.ToString(CultureInfo.InvariantCulture))
        | DeploymentAnnotations.Set(replicaSet.Metadata, DeploymentAnnotations.MaxReplicas,
            (Desired + RolloutFenceposts.MaxSurge(Deployment)).ToString(CultureInfo.InvariantCulture));

    private void Swap(V1ReplicaSet old, V1ReplicaSet updated)
    {
        var index = replicaSets.FindIndex(rs => ReferenceEquals(rs, old));
        if (index >= 0)
            replicaSets[index] = updated;
        if (ReferenceEquals(NewReplicaSet, old))
            NewReplicaSet = updated;
    }
}
