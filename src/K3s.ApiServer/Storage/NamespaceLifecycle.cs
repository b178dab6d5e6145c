using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using K3s.ApiServer.Machinery;
using K3s.ApiServer.Resources;
using Microsoft.Extensions.Logging;

namespace K3s.ApiServer.Storage;

/// <summary>
/// Objects are created only in a namespace that exists and is not being deleted. As upstream's NamespaceLifecycle
/// admission does, the check is answered from a cache of the namespaces, kept by a watch, so a create costs no
/// datastore read; a namespace the cache does not know as live (just made, not yet seen, or terminating) is read
/// from the datastore, which has the last word. A namespace's write through this server is taken in at once, so
/// "delete the namespace, then create in it" is refused here without waiting for the watch; through another
/// server sharing the datastore it is refused once the watch has brought the change, as upstream's is.
/// </summary>
public sealed class NamespaceLifecycle : IAsyncDisposable
{
    private static readonly TimeSpan RelistDelay = TimeSpan.FromSeconds(1);

    private readonly ObjectStore store;
    private readonly ResourceDefinition namespaces;
    private readonly ILogger logger;
    /// <summary>Namespace name → whether it is terminating (has a deletionTimestamp), as of a revision.</summary>
    private readonly ConcurrentDictionary<string, (bool Terminating, long Revision)> known = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource stopping = new();
    private readonly Task loop;

    public NamespaceLifecycle(ObjectStore store, ResourceRegistry registry, ILogger logger)
    {
        this.store = store;
        namespaces = registry.Find("", "v1", "namespaces")!;
        this.logger = logger;
        loop = Task.Run(() => KeepAsync(stopping.Token), CancellationToken.None);
    }

    /// <exception cref="ApiException">404 if the namespace does not exist; 403 if it is being deleted.</exception>
    public async Task RequireLiveAsync(string @namespace, CancellationToken cancellationToken)
    {
        if (known.TryGetValue(@namespace, out var state) && !state.Terminating)
            return;
        var found = await store.GetAsync(namespaces, null, @namespace, cancellationToken);
        if (ObjectStore.Metadata(found)["deletionTimestamp"] is not null)
            throw ApiException.Forbidden($"unable to create new content in namespace {@namespace} because it is being terminated");
    }

    /// <summary>
    /// A namespace this server deleted (it is terminating, or gone). Only this direction is taken from writes: a
    /// namespace wrongly thought terminating costs a datastore read, one wrongly thought live would take objects.
    /// </summary>
    public void Deleted(JsonObject item) => Take(Name(item), (true, ObjectStore.RevisionOf(item)));

    private void Take(JsonObject item) => Take(Name(item), (Terminating(item), ObjectStore.RevisionOf(item)));

    /// <summary>Keeps the newer of what is known and what is told: the watch may still bring older changes.</summary>
    private void Take(string name, (bool Terminating, long Revision) state) =>
        known.AddOrUpdate(name, state, (_, old) => state.Revision >= old.Revision ? state : old);

    private async Task KeepAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                var page = await store.ListAsync(namespaces, null, _ => true, 0, null, cancellationToken);
                var listed = page.Items.Select(Name).ToHashSet(StringComparer.Ordinal);
                foreach (var name in known.Keys.Where(name => !listed.Contains(name)))
                    known.TryRemove(name, out _);
                foreach (var item in page.Items)
                    Take(item);
                await foreach (var change in store.WatchAsync(namespaces, null, page.Revision, bookmarkEvery: null, cancellationToken))
                {
                    if (change.Type == "DELETED")
                        known.TryRemove(Name(change.Object), out _);
                    else
                        Take(change.Object);
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                // Until the list succeeds again every check reads the datastore, as if the cache were empty.
                known.Clear();
                logger.LogWarning(e, "watching namespaces failed; listing again");
                await Task.Delay(RelistDelay, cancellationToken).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        }
    }

    private static string Name(JsonObject item) => (string)ObjectStore.Metadata(item)["name"]!;

    private static bool Terminating(JsonObject item) => ObjectStore.Metadata(item)["deletionTimestamp"] is not null;

    public async ValueTask DisposeAsync()
    {
        await stopping.CancelAsync();
        await loop;
        stopping.Dispose();
    }
}
