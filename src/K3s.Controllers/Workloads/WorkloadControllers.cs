using K3s.Controllers.DaemonSets;
using K3s.Controllers.Deployments;
using K3s.Controllers.GarbageCollection;
using K3s.Controllers.Jobs;
using K3s.Controllers.ReplicaSets;
using K3s.Controllers.Runtime;
using K3s.Controllers.StatefulSets;
using Microsoft.Extensions.Logging;
using k8s;

namespace K3s.Controllers.Workloads;

/// <summary>
/// The deployment, replicaset, daemonset, statefulset, job, cronjob and garbage-collector controllers, on the shared informers
/// (which their owner runs).
/// </summary>
public sealed class WorkloadControllers
{
    public WorkloadControllers(Kubernetes client, SharedInformers informers, ILoggerFactory loggers)
    {
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

    public Task RunAsync(CancellationToken cancellationToken) => Task.WhenAll(
        Deployments.RunAsync(cancellationToken),
        ReplicaSets.RunAsync(cancellationToken),
        DaemonSets.RunAsync(cancellationToken),
        StatefulSets.RunAsync(cancellationToken),
        Jobs.RunAsync(cancellationToken),
        CronJobs.RunAsync(cancellationToken),
        GarbageCollector.RunAsync(cancellationToken));
}
