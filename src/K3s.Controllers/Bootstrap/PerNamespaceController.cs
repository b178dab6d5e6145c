using k8s;
using k8s.Models;
using K3s.Controllers.Runtime;
using Microsoft.Extensions.Logging;

namespace K3s.Controllers.Bootstrap;

/// <summary>
/// A controller that keeps one object of a fixed name in every namespace: it watches namespaces and
/// the objects of that name, and reconciles a namespace when either changes (so an object deleted
/// by hand comes back). Namespaces being deleted are left alone.
/// </summary>
public abstract class PerNamespaceController<T> : IReconciler
    where T : class, IKubernetesObject<V1ObjectMeta>
{
    private readonly Informer<V1Namespace> namespaces;
    private readonly Informer<T> objects;
    private readonly WorkQueue queue = new();
    private readonly string name;

    protected PerNamespaceController(string name, Kubernetes client, ListWatch<T> objectsNamed, ILoggerFactory loggers, TimeSpan resyncPeriod)
    {
        this.name = name;
        Client = client;
        Logger = loggers.CreateLogger(GetType());
        namespaces = new Informer<V1Namespace>(ClusterSources.Namespaces(client), resyncPeriod, loggers.CreateLogger<Informer<V1Namespace>>());
        objects = new Informer<T>(objectsNamed, resyncPeriod, loggers.CreateLogger<Informer<T>>());
        namespaces.Subscribe(queue.Add);
        objects.Subscribe(key => queue.Add(ObjectKey.Split(key).Namespace));
    }

    protected Kubernetes Client { get; }

    protected ILogger Logger { get; }

    public Task RunAsync(CancellationToken cancellationToken) => Task.WhenAll(
        namespaces.RunAsync(cancellationToken),
        objects.RunAsync(cancellationToken),
        new ControllerLoop(name, queue, this, Logger, workers: 2).RunAsync(cancellationToken));

    public async Task<TimeSpan?> ReconcileAsync(string @namespace, CancellationToken cancellationToken)
    {
        await Task.WhenAll(namespaces.Synced, objects.Synced).WaitAsync(cancellationToken);
        if (!namespaces.TryGet(@namespace, out var found) || found.Metadata.DeletionTimestamp is not null || found.Status?.Phase == "Terminating")
            return null;
        objects.TryGet(@namespace + "/" + ObjectName, out var current);
        await EnsureAsync(@namespace, current, cancellationToken);
        return null;
    }

    /// <summary>The name of the object kept in every namespace.</summary>
    protected abstract string ObjectName { get; }

    /// <summary>Makes or corrects the object in a namespace; <paramref name="current"/> is the cached one, null when there is none.</summary>
    protected abstract Task EnsureAsync(string @namespace, T? current, CancellationToken cancellationToken);
}
