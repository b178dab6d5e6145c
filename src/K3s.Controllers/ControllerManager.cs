using k8s;
using K3s.Controllers.Namespaces;
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

    private ControllerManager(CancellationTokenSource stopping, Task running)
    {
        this.stopping = stopping;
        this.running = running;
    }

    public static ControllerManager Start(Kubernetes client, ILoggerFactory loggers, TimeSpan? resyncPeriod = null)
    {
        var stopping = new CancellationTokenSource();
        var namespaces = new NamespaceController(client, loggers, resyncPeriod ?? DefaultResyncPeriod);
        var workloads = new WorkloadControllers(client, loggers, resyncPeriod ?? DefaultResyncPeriod);
        return new ControllerManager(stopping, Task.WhenAll(namespaces.RunAsync(stopping.Token), workloads.RunAsync(stopping.Token)));
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
