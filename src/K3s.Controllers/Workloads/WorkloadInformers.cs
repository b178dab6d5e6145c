using k8s;
using k8s.Models;
using K3s.Controllers.Runtime;
using Microsoft.Extensions.Logging;

namespace K3s.Controllers.Workloads;

/// <summary>
/// One informer per kind the workload (deployment, replicaset, job, cronjob) and garbage-collector controllers follow, shared
/// by them as client-go's shared informers are: one list and one watch per kind, whatever the number of controllers.
/// </summary>
public sealed class WorkloadInformers(Kubernetes client, ILoggerFactory loggers, TimeSpan resyncPeriod)
{
    public Informer<V1Deployment> Deployments { get; } =
        new(WorkloadSources.Deployments(client), resyncPeriod, loggers.CreateLogger<Informer<V1Deployment>>());

    public Informer<V1ReplicaSet> ReplicaSets { get; } =
        new(WorkloadSources.ReplicaSets(client), resyncPeriod, loggers.CreateLogger<Informer<V1ReplicaSet>>());

    public Informer<V1Pod> Pods { get; } =
        new(WorkloadSources.Pods(client), resyncPeriod, loggers.CreateLogger<Informer<V1Pod>>());

    public Informer<V1Job> Jobs { get; } =
        new(WorkloadSources.Jobs(client), resyncPeriod, loggers.CreateLogger<Informer<V1Job>>());

    public Informer<V1CronJob> CronJobs { get; } =
        new(WorkloadSources.CronJobs(client), resyncPeriod, loggers.CreateLogger<Informer<V1CronJob>>());

    public Task Synced => Task.WhenAll(Deployments.Synced, ReplicaSets.Synced, Pods.Synced, Jobs.Synced, CronJobs.Synced);

    public Task RunAsync(CancellationToken cancellationToken) => Task.WhenAll(
        Deployments.RunAsync(cancellationToken), ReplicaSets.RunAsync(cancellationToken), Pods.RunAsync(cancellationToken),
        Jobs.RunAsync(cancellationToken), CronJobs.RunAsync(cancellationToken));
}
