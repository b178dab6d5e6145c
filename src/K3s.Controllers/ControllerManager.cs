using k8s;
using K3s.Controllers.Namespaces;
using K3s.Controllers.Runtime;
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
    /// Starts campaigning for the kube-controller-manager lease in kube-system; the controllers run
    /// while this server holds it, so of several servers on one datastore one runs them at a time.
    /// </summary>
    public static ControllerManager Start(Kubernetes client, ILoggerFactory loggers, TimeSpan? resyncPeriod = null, LeaderElector? elector = null)
    {
        var stopping = new CancellationTokenSource();
        elector ??= new LeaderElector(client, "kube-system", "kube-controller-manager", Identity(), loggers.CreateLogger("K3s.Controllers.LeaderElection"));
        var running = elector.RunAsync(leading =>
        {
            var namespaces = new NamespaceController(client, loggers, resyncPeriod ?? DefaultResyncPeriod);
            return namespaces.RunAsync(leading);
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
