using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging;

namespace K3s.Controllers.Runtime;

/// <summary>
/// One informer per kind that several controllers follow (the workload controllers, the garbage collector, the
/// scheduler, the endpoints and node lifecycle controllers), shared as client-go's shared informers are: one list,
/// one watch and one cache per kind, whatever the number of controllers. Controllers subscribe when they are made,
/// before <see cref="RunAsync"/> starts the informers, so none misses the first list.
/// </summary>
public sealed class SharedInformers(Kubernetes client, ILoggerFactory loggers, TimeSpan resyncPeriod)
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
        new(ClusterSources.Pods(client), resyncPeriod, loggers.CreateLogger<Informer<V1Pod>>());

    public Informer<V1Job> Jobs { get; } =
        new(WorkloadSources.Jobs(client), resyncPeriod, loggers.CreateLogger<Informer<V1Job>>());

    public Informer<V1CronJob> CronJobs { get; } =
        new(WorkloadSources.CronJobs(client), resyncPeriod, loggers.CreateLogger<Informer<V1CronJob>>());

    public Informer<V1Node> Nodes { get; } =
        new(ClusterSources.Nodes(client), resyncPeriod, loggers.CreateLogger<Informer<V1Node>>());

    public Informer<V1Service> Services { get; } =
        new(ClusterSources.Services(client), resyncPeriod, loggers.CreateLogger<Informer<V1Service>>());

    public Task Synced => Task.WhenAll(Deployments.Synced, ReplicaSets.Synced, DaemonSets.Synced, StatefulSets.Synced,
        ControllerRevisions.Synced, Pods.Synced, Jobs.Synced, CronJobs.Synced, Nodes.Synced, Services.Synced);

    public Task RunAsync(CancellationToken cancellationToken) => Task.WhenAll(
        Deployments.RunAsync(cancellationToken), ReplicaSets.RunAsync(cancellationToken), DaemonSets.RunAsync(cancellationToken),
        StatefulSets.RunAsync(cancellationToken), ControllerRevisions.RunAsync(cancellationToken), Pods.RunAsync(cancellationToken),
        Jobs.RunAsync(cancellationToken), CronJobs.RunAsync(cancellationToken), Nodes.RunAsync(cancellationToken),
        Services.RunAsync(cancellationToken));
}
