using System.Net;
using k8s;
using k8s.Autorest;
using k8s.Models;
using K3s.Controllers.Runtime;
using Microsoft.Extensions.Logging;

namespace K3s.Controllers.Namespaces;

/// <summary>
/// Empties deleted namespaces, as kube-controller-manager's namespace controller: a namespace being
/// deleted that still carries the "kubernetes" finalizer is marked Terminating, everything in it is
/// deleted (every namespaced resource discovery lists), and once nothing is left the finalizer is
/// removed through /finalize, upon which the API server removes the namespace.
/// An API server that removes a namespace at once, without waiting for its finalizers, leaves its
/// content behind; the controller deletes that content when it sees the namespace gone.
/// </summary>
public sealed class NamespaceController : IReconciler
{
    public const string Finalizer = "kubernetes";

    /// <summary>How long to wait before looking again at a namespace whose content is still going.</summary>
    private static readonly TimeSpan ContentPollInterval = TimeSpan.FromSeconds(1);

    private readonly Kubernetes client;
    private readonly Informer<V1Namespace> namespaces;
    private readonly NamespaceContentDeleter content;
    private readonly ILogger logger;

    public NamespaceController(Kubernetes client, ILoggerFactory loggers, TimeSpan resyncPeriod)
    {
        this.client = client;
        logger = loggers.CreateLogger<NamespaceController>();
        var api = new RawApi(client);
        content = new NamespaceContentDeleter(api, new ResourceDiscovery(api));
        namespaces = new Informer<V1Namespace>(NamespaceSource(client), resyncPeriod, loggers.CreateLogger<Informer<V1Namespace>>());
        Queue = new WorkQueue();
        namespaces.Subscribe(Queue.Add);
    }

    public WorkQueue Queue { get; }

    /// <summary>Completes when the first list of namespaces is in the cache.</summary>
    public Task Synced => namespaces.Synced;

    public Task RunAsync(CancellationToken cancellationToken) => Task.WhenAll(
        namespaces.RunAsync(cancellationToken),
        new ControllerLoop("namespace controller", Queue, this, logger, workers: 2).RunAsync(cancellationToken));

    public async Task<TimeSpan?> ReconcileAsync(string key, CancellationToken cancellationToken)
    {
        if (!namespaces.TryGet(key, out var cached))
            return await DeleteLeftoversAsync(key, cancellationToken);
        if (cached.Metadata.DeletionTimestamp is null || cached.Spec?.Finalizers?.Contains(Finalizer) != true)
            return null;

        // The cache may lag: work on the namespace as the server has it now.
        V1Namespace current;
        try
        {
            current = await client.CoreV1.ReadNamespaceAsync(key, cancellationToken: cancellationToken);
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
        var deletion = await content.DeleteAllAsync(key, cancellationToken);
        current = await ReportTerminatingAsync(current, deletion, cancellationToken);
        if (!deletion.Finished)
        {
            logger.LogInformation("namespace {Namespace}: content remains ({Remaining}); looking again", key,
                string.Join(", ", deletion.Remaining.Select(r => $"{r.Key}: {r.Value}").Concat(deletion.Failures).Concat(deletion.Discovery.Failures)));
            return ContentPollInterval;
        }
        await FinalizeAsync(current, cancellationToken);
        logger.LogInformation("namespace {Namespace}: content deleted, finalized", key);
        return null;
    }

    /// <summary>The namespace is gone without having been finalized here: delete what was left in it.</summary>
    private async Task<TimeSpan?> DeleteLeftoversAsync(string name, CancellationToken cancellationToken)
    {
        try
        {
            await client.CoreV1.ReadNamespaceAsync(name, cancellationToken: cancellationToken);
            return null; // created again meanwhile: its content is its own
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.NotFound)
        {
        }
        var deletion = await content.DeleteAllAsync(name, cancellationToken);
        return deletion.Finished ? null : ContentPollInterval;
    }

    /// <summary>Phase Terminating with the content conditions, through /status; an API server without it is left as is.</summary>
    private async Task<V1Namespace> ReportTerminatingAsync(V1Namespace current, ContentDeletion deletion, CancellationToken cancellationToken)
    {
        current.Status ??= new V1NamespaceStatus();
        current.Status.Phase = "Terminating";
        current.Status.Conditions = TerminatingConditions.For(deletion, DateTime.UtcNow);
        try
        {
            return await client.CoreV1.ReplaceNamespaceStatusAsync(current, current.Metadata.Name, cancellationToken: cancellationToken);
        }
        catch (HttpOperationException e) when (e.Response.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.MethodNotAllowed)
        {
            logger.LogDebug("namespace {Namespace}: status not updated: {Error}", current.Metadata.Name, e.Message);
            return current;
        }
    }

    /// <summary>
    /// Removes the "kubernetes" finalizer through /finalize. Where the API server has no /finalize the
    /// namespace is updated instead, which frees it on a server that takes spec.finalizers from an update.
    /// </summary>
    private async Task FinalizeAsync(V1Namespace current, CancellationToken cancellationToken)
    {
        current.Spec.Finalizers = current.Spec.Finalizers.Where(finalizer => finalizer != Finalizer).ToList();
        try
        {
            await client.CoreV1.ReplaceNamespaceFinalizeAsync(current, current.Metadata.Name, cancellationToken: cancellationToken);
        }
        catch (HttpOperationException e) when (e.Response.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.MethodNotAllowed)
        {
            logger.LogWarning("namespace {Namespace}: the API server has no /finalize ({Error}); updating the namespace instead",
                current.Metadata.Name, e.Response.StatusCode);
            await client.CoreV1.ReplaceNamespaceAsync(current, current.Metadata.Name, cancellationToken: cancellationToken);
        }
    }

    private static ListWatch<V1Namespace> NamespaceSource(Kubernetes client) => new(
        async cancellationToken =>
        {
            var list = await client.CoreV1.ListNamespaceAsync(cancellationToken: cancellationToken);
            return new ListResult<V1Namespace>(list.Items.ToList(), list.Metadata.ResourceVersion);
        },
        (resourceVersion, cancellationToken) => client.CoreV1.WatchListNamespaceAsync(resourceVersion: resourceVersion, cancellationToken: cancellationToken));
}
