using k8s;
using k8s.Models;
using K3s.Controllers.Runtime;
using Microsoft.Extensions.Logging;

namespace K3s.Controllers.Workloads;

/// <summary>
/// One informer per kind the workload controllers (deployments, replica sets, daemon sets, stateful
/// sets, jobs, cron jobs) and the garbage collector follow, shared by them as client-go's shared
/// informers are: one list and one watch per kind, whatever the number of controllers.
/// </summary>
public sealed class WorkloadInformers(Kubernetes client, ILoggerFactory loggers, TimeSpan resyncPeriod)
{
    public Informer<V1Deployment> Deployments { get; } =
        new(WorkloadSources.Deployments(client), resyncPeriod, loggers.CreateLogger<Informer<V1Deployment>>());

    public Informer<V1ReplicaSet> ReplicaSets { get; } =
        new(WorkloadSources.ReplicaSets(client), resyncPeriod, loggers.CreateLogger<Informer<V1ReplicaSet>>());

    public Informer<V1DaemonSet> DaemonSets { get; } =
        new(WorkloadSources.DaemonSets(client), resyncPeriod, loggers.CreateLogger<Informer<V1DaemonSet>>());

    public Informer<V1StatefulSet> StatefulSets { get; } =
        new(WorkloadSources.StatefulSets(client), resyncPeriod, loggers.CreateLogger<Informer<V1StatefulSet>>());

    public Informer<V1ControllerRevision> ControllerRevisions { get; } =
        new(WorkloadSources.ControllerRevisions(client), resyncPeriod, loggers.CreateLogger<Informer<V1ControllerRevision>>());

    public Informer<V1Pod> Pods { get; } =
        new(WorkloadSources.Pods(client), resyncPeriod, loggers.CreateLogger<Informer<V1Pod>>());

    public Informer<V1Job> Jobs { get; } =
        new(WorkloadSources.Jobs(client), resyncPeriod, loggers.CreateLogger<Informer<V1Job>>());

    public Informer<V1CronJob> CronJobs { get; } =
        new(WorkloadSources.CronJobs(client), resyncPeriod, loggers.CreateLogger<Informer<V1CronJob>>());

    /// <summary>Nodes, which decide where daemon pods belong.</summary>
    public Informer<V1Node> Nodes { get; } =
        new(ClusterSources.Nodes(client), resyncPeriod, loggers.CreateLogger<Informer<V1Node>>());

    public Task Synced => Task.WhenAll(Deployments.Synced, ReplicaSets.Synced, DaemonSets.Synced, StatefulSets.Synced,
        ControllerRevisions.Synced, Pods.Synced, Jobs.Synced, CronJobs.Synced, Nodes.Synced);

    public Task RunAsync(CancellationToken cancellationToken) => Task.WhenAll(
        Deployments.RunAsync(cancellationToken), ReplicaSets.RunAsync(cancellationToken), DaemonSets.RunAsync(cancellationToken),
        StatefulSets.RunAsync(cancellationToken), ControllerRevisions.RunAsync(cancellationToken), Pods.RunAsync(cancellationToken),
        Jobs.RunAsync(cancellationToken), CronJobs.RunAsync(cancellationToken), Nodes.RunAsync(cancellationToken));
}
