using k8s;
using K3s.Controllers.Addons;
using K3s.Controllers.Bootstrap;
using K3s.Controllers.Endpoints;
using K3s.Controllers.Namespaces;
using K3s.Controllers.NodeLifecycle;
using K3s.Controllers.Runtime;
using K3s.Controllers.Scheduling;
using K3s.Controllers.Services;
using K3s.Controllers.Workloads;
using Microsoft.Extensions.Logging;

namespace K3s.Controllers;

/// <summary>
/// The server's controllers, as kube-controller-manager runs them: each a client of the Kubernetes
/// API, started once the API answers and stopped on dispose.
/// </summary>
public sealed class ControllerManager : IAsyncDisposable
{
    /// <summary>How often informers list again, as a safety net for missed watch events.</summary>
    public static readonly TimeSpan DefaultResyncPeriod = TimeSpan.FromMinutes(5);

    private readonly CancellationTokenSource stopping;
    private readonly Task running;
    private readonly LeaderElector elector;

    private ControllerManager(CancellationTokenSource stopping, Task running, LeaderElector elector)
    {
        this.stopping = stopping;
        this.running = running;
        this.elector = elector;
    }

    /// <summary>Whether this server's controllers run (it holds the lease), or another server's do.</summary>
    public bool IsLeading => elector.IsLeading;

    /// <summary>
    /// Campaigns for the kube-controller-manager lease in kube-system and, while this server holds it,
    /// runs the controllers and the scheduler, so of several servers on one datastore one runs them at
    /// a time. <paramref name="nodeLifecycle"/> defaults to upstream's node monitor settings. Without <paramref name="cluster"/> the bootstrap objects and kube-root-ca.crt are not made
    /// (they need the API server's address and CA) and cluster IPs come from the default service network.
    /// </summary>
    public static ControllerManager Start(Kubernetes client, ILoggerFactory loggers, TimeSpan? resyncPeriod = null, ClusterSettings? cluster = null,
        LeaderElector? elector = null, NodeLifecycleOptions? nodeLifecycle = null)
    {
        var stopping = new CancellationTokenSource();
        var resync = resyncPeriod ?? DefaultResyncPeriod;
        elector ??= new LeaderElector(client, "kube-system", "kube-controller-manager", Identity(), loggers.CreateLogger("K3s.Controllers.LeaderElection"));
        var running = elector.RunAsync(leading =>
        {
            // Made anew each term, as the controllers are: a new leader starts from fresh lists.
            var informers = new SharedInformers(client, loggers, resync);
            List<Task> running =
            [
                new NamespaceController(client, loggers, resync).RunAsync(leading),
                new WorkloadControllers(client, informers, loggers).RunAsync(leading),
                new Scheduler(client, informers, loggers).RunAsync(leading),
                new ServiceController(client, new ServiceNetwork(cluster?.ServiceCidr ?? ClusterSettings.DefaultServiceCidr), loggers, resync).RunAsync(leading),
                new EndpointsController(client, informers, loggers).RunAsync(leading),
                new ServiceAccountController(client, loggers, resync).RunAsync(leading),
                new NodeLifecycleController(client, nodeLifecycle, informers, loggers, resync).RunAsync(leading),
            ];
            if (cluster is not null)
            {
                running.Add(new ClusterBootstrap(client, cluster, loggers).RunAsync(leading));
                running.Add(new RootCaPublisher(client, cluster.CaCertificatePem, loggers, resync).RunAsync(leading));
                if (cluster.ManifestsDirectory is { } manifests)
                    running.Add(new ManifestDeployer(client, manifests, loggers, cluster.WithdrawnManifests).RunAsync(leading));
            }
            // Started once every controller has subscribed.
            running.Add(informers.RunAsync(leading));
            return Task.WhenAll(running);
        }, stopping.Token);
        return new ControllerManager(stopping, running, elector);
    }

    /// <summary>A candidate's name, as upstream's: the host name and something unique to this process.</summary>
    public static string Identity() => $"{Environment.MachineName}_{Guid.NewGuid()}";

    public async ValueTask DisposeAsync()
    {
        await stopping.CancelAsync();
        try
        {
            await running;
        }
        catch (OperationCanceledException)
        {
        }
        stopping.Dispose();
    }
}
