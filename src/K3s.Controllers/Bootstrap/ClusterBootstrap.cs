using k8s;
using K3s.Controllers.Runtime;
using K3s.Controllers.Services;
using Microsoft.Extensions.Logging;

namespace K3s.Controllers.Bootstrap;

/// <summary>
/// The objects every cluster starts with that the API server does not make itself: the
/// <c>kubernetes</c> Service and its endpoints, and the cluster-admin role and binding. Run once at
/// start, tried again with backoff until it has gone through; every step is safe to repeat, so
/// each start, and each server sharing the datastore, runs it.
/// </summary>
public sealed class ClusterBootstrap(Kubernetes client, ClusterSettings settings, ILoggerFactory loggers)
{
    private readonly ILogger logger = loggers.CreateLogger<ClusterBootstrap>();

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var kubernetesService = new KubernetesService(client, new ServiceNetwork(settings.ServiceCidr).KubernetesServiceAddress, settings.ApiServer);
        var clusterAdmin = new ClusterAdminRole(client);
        var backoff = new Backoff(TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(10));
        while (true)
        {
            try
            {
                await kubernetesService.EnsureAsync(cancellationToken);
                await clusterAdmin.EnsureAsync(cancellationToken);
                logger.LogInformation("bootstrap objects in place: the kubernetes Service ({Address}), cluster-admin", settings.ApiServer);
                return;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                var delay = backoff.Next();
                logger.LogWarning("bootstrap: {Error}; trying again in {Delay} ms", e.Message, (int)delay.TotalMilliseconds);
                await Task.Delay(delay, cancellationToken).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        }
    }
}
