using k8s;
using k8s.Models;
using K3s.Controllers.Runtime;
using K3s.Controllers.Workloads;
using Microsoft.Extensions.Logging;

namespace K3s.Controllers.Deployments;

/// <summary>
/// Rolls deployments out, as kube-controller-manager's deployment controller: one replica set per
/// pod template (DEPLOYMENT-HASH, labelled pod-template-hash), RollingUpdate or Recreate, old replica
/// sets scaled to 0 and kept up to revisionHistoryLimit, and the status and conditions kubectl reads.
/// A deployment being deleted or paused only has its status kept current.
/// Each pass reads the deployment and its namespace's replica sets from the API, not from the
/// informers, so a lagging cache never makes it create or scale twice.
/// </summary>
public sealed class DeploymentController : IReconciler
{
    private readonly Kubernetes client;
    private readonly SharedInformers informers;
    private readonly ReplicaSetClaims claims;
    private readonly DependentRouting<V1ReplicaSet, V1Deployment> replicaSetRouting;
    private readonly ILogger logger;
    private readonly EventRecorder events;

    public DeploymentController(Kubernetes client, SharedInformers informers, ILoggerFactory loggers)
    {
        this.client = client;
        this.informers = informers;
        claims = new ReplicaSetClaims(client);
        logger = loggers.CreateLogger<DeploymentController>();
        events = new EventRecorder(client, "deployment-controller", logger);
        informers.Deployments.Subscribe(Queue.Add);
        replicaSetRouting = new(informers.ReplicaSets, informers.Deployments, "Deployment", deployment => deployment.Spec.Selector);
        informers.ReplicaSets.Subscribe(key => Queue.AddRange(replicaSetRouting.OwnersToQueue(key)));
    }

    public WorkQueue Queue { get; } = new();

    public Task RunAsync(CancellationToken cancellationToken) =>
        new ControllerLoop("deployment controller", Queue, this, logger, workers: 4).RunAsync(cancellationToken);

    public async Task<TimeSpan?> ReconcileAsync(string key, CancellationToken cancellationToken)
    {
        var (@namespace, name) = ObjectKey.Split(key);
        if (await ApiErrors.NullIfNotFoundAsync(client.AppsV1.ReadNamespacedDeploymentAsync(name, @namespace, cancellationToken: cancellationToken)) is not { } deployment)
            return null;
        if (LabelSelectors.IsEmpty(deployment.Spec.Selector))
        {
            logger.LogWarning("deployment {Key}: an empty selector would select every pod; ignored", key);
            return null;
        }

        var inNamespace = await client.AppsV1.ListNamespacedReplicaSetAsync(@namespace, cancellationToken: cancellationToken);
        var owned = await claims.ClaimAsync(deployment, inNamespace.Items, cancellationToken);
        var rollout = new DeploymentRollout(client, events, deployment, owned);
        if (deployment.Metadata.DeletionTimestamp is not null || deployment.Spec.Paused == true)
        {
            rollout.FindNewReplicaSet();
            return await rollout.SyncStatusAsync(cancellationToken);
        }
        return deployment.Spec.Strategy?.Type == "Recreate"
            ? await RecreateUpdate.RolloutAsync(client, rollout, cancellationToken)
            : await RollingUpdate.RolloutAsync(rollout, cancellationToken);
    }
}
