using k8s;
using K3s.Controllers.DaemonSets;
using K3s.Controllers.Deployments;
using K3s.Controllers.GarbageCollection;
using K3s.Controllers.Jobs;
using K3s.Controllers.ReplicaSets;
using K3s.Controllers.StatefulSets;
using Microsoft.Extensions.Logging;

namespace K3s.Controllers.Workloads;

/// <summary>
/// The deployment, replicaset, daemonset, statefulset, job, cronjob and garbage-collector controllers on one set of shared informers. The
/// controllers subscribe before the informers start, so none misses the first list.
/// </summary>
public sealed class WorkloadControllers
{
    private readonly WorkloadInformers informers;

    public WorkloadControllers(Kubernetes client, ILoggerFactory loggers, TimeSpan resyncPeriod)
    {
        informers = new WorkloadInformers(client, loggers, resyncPeriod);
        Deployments = new DeploymentController(client, informers, loggers);
        ReplicaSets = new ReplicaSetController(client, informers, loggers);
        DaemonSets = new DaemonSetController(client, informers, loggers);
        StatefulSets = new StatefulSetController(client, informers, loggers);
        Jobs = new JobController(client, informers, loggers);
        CronJobs = new CronJobController(client, informers, loggers);
        GarbageCollector = new GarbageCollector(client, informers, loggers);
    }

    public DeploymentController Deployments { get; }

    public ReplicaSetController ReplicaSets { get; }

    public DaemonSetController DaemonSets { get; }

    public StatefulSetController StatefulSets { get; }

    public JobController Jobs { get; }

    public CronJobController CronJobs { get; }

    public GarbageCollector GarbageCollector { get; }

    public Task Synced => informers.Synced;

    public Task RunAsync(CancellationToken cancellationToken) => Task.WhenAll(
        informers.RunAsync(cancellationToken),
        Deployments.RunAsync(cancellationToken),
        ReplicaSets.RunAsync(cancellationToken),
        DaemonSets.RunAsync(cancellationToken),
        StatefulSets.RunAsync(cancellationToken),
        Jobs.RunAsync(cancellationToken),
        CronJobs.RunAsync(cancellationToken),
        GarbageCollector.RunAsync(cancellationToken));
}
