using k8s;
using k8s.Models;
using K3s.Controllers.Runtime;
using K3s.Controllers.Workloads;
using Microsoft.Extensions.Logging;

namespace K3s.Controllers.ReplicaSets;

/// <summary>
/// Keeps spec.replicas pods of each replica set, as kube-controller-manager's replicaset controller:
/// claims matching pods, creates missing ones from the template, deletes the least useful extras, and
/// reports replicas, fullyLabeledReplicas, readyReplicas, availableReplicas and observedGeneration
/// through /status. A replica set being deleted keeps its pods (the garbage collector decides their fate).
/// Each pass reads the replica set and its namespace's pods from the API rather than from the
/// informers, so pods created by the previous pass are never created twice because a cache lagged.
/// </summary>
public sealed class ReplicaSetController : IReconciler
{
    /// <summary>At most this many pods created or deleted per pass (upstream's burstReplicas).</summary>
    private const int BurstReplicas = 500;

    private readonly Kubernetes client;
    private readonly SharedInformers informers;
    private readonly PodClaims claims;
    private readonly DependentRouting<V1Pod, V1ReplicaSet> podRouting;
    private readonly ILogger logger;
    private readonly EventRecorder events;

    public ReplicaSetController(Kubernetes client, SharedInformers informers, ILoggerFactory loggers)
    {
        this.client = client;
        this.informers = informers;
        claims = new PodClaims(client);
        logger = loggers.CreateLogger<ReplicaSetController>();
        events = new EventRecorder(client, "replicaset-controller", logger);
        informers.ReplicaSets.Subscribe(Queue.Add);
        podRouting = new(informers.Pods, informers.ReplicaSets, "ReplicaSet", rs => rs.Spec.Selector);
        informers.Pods.Subscribe(key => Queue.AddRange(podRouting.OwnersToQueue(key)));
    }

    public WorkQueue Queue { get; } = new();

    public Task RunAsync(CancellationToken cancellationToken) =>
        new ControllerLoop("replicaset controller", Queue, this, logger, workers: 4).RunAsync(cancellationToken);

    public async Task<TimeSpan?> ReconcileAsync(string key, CancellationToken cancellationToken)
    {
        var (@namespace, name) = ObjectKey.Split(key);
        if (await ApiErrors.NullIfNotFoundAsync(client.AppsV1.ReadNamespacedReplicaSetAsync(name, @namespace, cancellationToken: cancellationToken)) is not { } replicaSet)
            return null;
        if (LabelSelectors.IsEmpty(replicaSet.Spec.Selector))
        {
            logger.LogWarning("replicaset {Key}: an empty selector would select every pod; ignored", key);
            return null;
        }

        var pods = await client.CoreV1.ListNamespacedPodAsync(@namespace, cancellationToken: cancellationToken);
        var active = (await claims.ClaimAsync(replicaSet, pods.Items, cancellationToken)).Where(PodStates.IsActive).ToList();
        if (replicaSet.Metadata.DeletionTimestamp is null)
            active = await ManageReplicasAsync(replicaSet, active, cancellationToken);

        var now = DateTime.UtcNow;
        var status = ReplicaSetStatusCalculator.Calculate(replicaSet, active, now);
        if (!ReplicaSetStatusCalculator.SameAs(replicaSet.Status, status))
        {
            replicaSet.Status = status;
            await client.AppsV1.ReplaceNamespacedReplicaSetStatusAsync(replicaSet, name, @namespace, cancellationToken: cancellationToken);
        }
        return ReplicaSetStatusCalculator.NextAvailability(replicaSet, active, now);
    }

    /// <summary>Creates or deletes pods towards spec.replicas; returns the active pods afterwards.</summary>
    private async Task<List<V1Pod>> ManageReplicasAsync(V1ReplicaSet replicaSet, List<V1Pod> active, CancellationToken cancellationToken)
    {
        var difference = active.Count - (replicaSet.Spec.Replicas ?? 1);
        if (difference < 0)
        {
            var created = new List<V1Pod>();
            for (var i = 0; i < Math.Min(-difference, BurstReplicas); i++)
            {
                var pod = await client.CoreV1.CreateNamespacedPodAsync(PodTemplates.NewPod(replicaSet), replicaSet.Metadata.NamespaceProperty, cancellationToken: cancellationToken);
                created.Add(pod);
                await events.RecordAsync(About(replicaSet), EventRecorder.Normal, "SuccessfulCreate", $"Created pod: {pod.Metadata.Name}", cancellationToken);
            }
            logger.LogDebug("replicaset {Namespace}/{Name}: created {Count} pods", replicaSet.Metadata.NamespaceProperty, replicaSet.Metadata.Name, created.Count);
            return [.. active, .. created];
        }
        if (difference > 0)
        {
            var doomed = PodDeletionOrder.FirstToDelete(active).Take(Math.Min(difference, BurstReplicas)).ToList();
            foreach (var pod in doomed)
            {
                try
                {
                    await client.CoreV1.DeleteNamespacedPodAsync(pod.Metadata.Name, pod.Metadata.NamespaceProperty, cancellationToken: cancellationToken);
                    await events.RecordAsync(About(replicaSet), EventRecorder.Normal, "SuccessfulDelete", $"Deleted pod: {pod.Metadata.Name}", cancellationToken);
                }
                catch (Exception e) when (ApiErrors.IsNotFound(e))
                {
                }
            }
            return active.Except(doomed).ToList();
        }
        return active;
    }

    private static V1ObjectReference About(V1ReplicaSet replicaSet) => EventRecorder.About(replicaSet, "apps/v1", "ReplicaSet");
}
