using k8s;
using K3s.Controllers.Bootstrap;
using K3s.Controllers.Endpoints;
using K3s.Controllers.Namespaces;
using K3s.Controllers.Scheduling;
using K3s.Controllers.Services;
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

    private ControllerManager(CancellationTokenSource stopping, Task running)
    {
        this.stopping = stopping;
        this.running = running;
    }

    /// <summary>
    /// Starts the controllers and the scheduler. Without <paramref name="cluster"/> the bootstrap objects
    /// and kube-root-ca.crt are not made (they need the API server's address and CA) and cluster IPs
    /// come from the default service network.
    /// </summary>
    public static ControllerManager Start(Kubernetes client, ILoggerFactory loggers, TimeSpan? resyncPeriod = null, ClusterSettings? cluster = null)
    {
        var stopping = new CancellationTokenSource();
        var resync = resyncPeriod ?? DefaultResyncPeriod;
        var namespaces = new NamespaceController(client, loggers, resync);
        List<Task> running =
        [
            namespaces.RunAsync(stopping.Token),
            new Scheduler(client, loggers, resync).RunAsync(stopping.Token),
            new ServiceController(client, new ServiceNetwork(cluster?.ServiceCidr ?? ClusterSettings.DefaultServiceCidr), loggers, resync).RunAsync(stopping.Token),
            new EndpointsController(client, loggers, resync).RunAsync(stopping.Token),
            new ServiceAccountController(client, loggers, resync).RunAsync(stopping.Token),
        ];
        if (cluster is not null)
        {
            running.Add(new ClusterBootstrap(client, cluster, loggers).RunAsync(stopping.Token));
            running.Add(new RootCaPublisher(client, cluster.CaCertificatePem, loggers, resync).RunAsync(stopping.Token));
        }
        return new ControllerManager(stopping, Task.WhenAll(running));
    }

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
