using System.Globalization;
using System.Text.Json.Nodes;
using K3s.ApiServer.Machinery;
using K3s.ApiServer.Resources;
using K3s.ApiServer.Storage;
using K3s.ApiServer.Strategies;
using Microsoft.Extensions.Logging;

namespace K3s.ApiServer.CustomResources;

/// <summary>
/// Keeps the registry's custom resource kinds in step with the stored CustomResourceDefinitions, by
/// list and watch, so every server on a datastore serves the same kinds. A deleted definition's
/// objects are deleted before its cleanup finalizer is removed.
/// </summary>
public sealed class CustomResourceRegistrar(ObjectStore store, ResourceRegistry registry, ILogger logger) : IAsyncDisposable
{
    private readonly ResourceDefinition definitions = registry.Find("apiextensions.k8s.io", "v1", "customresourcedefinitions")!;
    private readonly CancellationTokenSource stopping = new();
    private readonly Lock gate = new();
    private readonly List<(long Revision, TaskCompletionSource Seen)> waiters = [];
    private long seenRevision;
    private Task? loop;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var revision = await RelistAsync(cancellationToken);
        loop = Task.Run(() => WatchLoopAsync(revision, stopping.Token), CancellationToken.None);
    }

    /// <summary>Waits (briefly) until the registrar has seen a write, so a kind is served as soon as its definition's write returns.</summary>
    public Task CaughtUpAsync(string? resourceVersion, CancellationToken cancellationToken)
    {
        if (!long.TryParse(resourceVersion, CultureInfo.InvariantCulture, out var revision))
            return Task.CompletedTask;
        var seen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (gate)
        {
            if (seenRevision >= revision)
                return Task.CompletedTask;
            waiters.Add((revision, seen));
        }
        return seen.Task.WaitAsync(TimeSpan.FromSeconds(5), cancellationToken).ContinueWith(_ => { }, TaskScheduler.Default);
    }

    private async Task<long> RelistAsync(CancellationToken cancellationToken)
    {
        var page = await store.ListAsync(definitions, null, _ => true, 0, null, cancellationToken);
        var names = page.Items.Select(crd => JsonPaths.GetString(crd, "metadata.name")!).ToHashSet();
        foreach (var stale in registry.All.Select(d => d.DefinedBy).OfType<string>().Distinct().Where(n => !names.Contains(n)).ToList())
            registry.ReplaceDefinedBy(stale, []);
        foreach (var crd in page.Items)
            await ApplyAsync(crd, cancellationToken);
        Seen(page.Revision);
        return page.Revision;
    }

    private async Task WatchLoopAsync(long revision, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await foreach (var change in store.WatchAsync(definitions, null, revision, bookmarkEvery: null, cancellationToken))
                {
                    var name = JsonPaths.GetString(change.Object, "metadata.name")!;
                    if (change.Type == "DELETED")
                        registry.ReplaceDefinedBy(name, []);
                    else
                        await ApplyAsync(change.Object, cancellationToken);
                    revision = ObjectStore.RevisionOf(change.Object);
                    Seen(revision);
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                logger.LogWarning(e, "watching custom resource definitions failed; listing again");
                await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken).ContinueWith(_ => { }, TaskScheduler.Default);
                try
                {
                    revision = await RelistAsync(cancellationToken);
                }
                catch (Exception relist) when (!cancellationToken.IsCancellationRequested)
                {
                    logger.LogWarning(relist, "listing custom resource definitions failed");
                }
            }
        }
    }

    private async Task ApplyAsync(JsonObject crd, CancellationToken cancellationToken)
    {
        var name = JsonPaths.GetString(crd, "metadata.name")!;
        var kinds = CustomResourceKinds.From(crd).ToList();
        if (JsonPaths.Get(crd, "metadata.deletionTimestamp") is null)
        {
            registry.ReplaceDefinedBy(name, kinds);
            return;
        }
        // Being deleted: its objects go first, then the finalizer that waited for them.
        registry.ReplaceDefinedBy(name, kinds);
        if (!(JsonPaths.Get(crd, "metadata.finalizers") as JsonArray ?? []).Any(f => f?.ToString() == CustomResourceDefinitionStrategy.CleanupFinalizer))
            return;
        if (kinds.Count > 0 && !await DeleteObjectsAsync(kinds[0], cancellationToken))
        {
            _ = Task.Delay(TimeSpan.FromSeconds(1), cancellationToken).ContinueWith(
                async _ => await RetryAsync(name, cancellationToken), cancellationToken, TaskContinuationOptions.OnlyOnRanToCompletion, TaskScheduler.Default);
            return;
        }
        try
        {
            await store.ChangeAsync(definitions, null, name, JsonPaths.GetString(crd, "metadata.resourceVersion"), item =>
            {
                var finalizers = (JsonArray)JsonPaths.Get(item, "metadata.finalizers")!;
                foreach (var finalizer in finalizers.Where(f => f?.ToString() == CustomResourceDefinitionStrategy.CleanupFinalizer).ToList())
                    finalizers.Remove(finalizer);
                return item;
            }, dryRun: false, cancellationToken);
        }
        catch (ApiException e) when (e.Code is 404 or 409)
        {
            // Another server finished it, or it changed meanwhile and its next event comes.
        }
        registry.ReplaceDefinedBy(name, []);
    }

    private async Task RetryAsync(string name, CancellationToken cancellationToken)
    {
        try
        {
            await ApplyAsync(await store.GetAsync(definitions, null, name, cancellationToken), cancellationToken);
        }
        catch (Exception e) when (e is ApiException or OperationCanceledException)
        {
        }
    }

    /// <summary>Deletes every object of a custom resource; false while some wait for their finalizers.</summary>
    private async Task<bool> DeleteObjectsAsync(ResourceDefinition kind, CancellationToken cancellationToken)
    {
        var page = await store.ListAsync(kind, null, _ => true, 0, null, cancellationToken);
        var gone = true;
        foreach (var item in page.Items)
        {
            try
            {
                var result = await store.DeleteAsync(kind, JsonPaths.GetString(item, "metadata.namespace"), JsonPaths.GetString(item, "metadata.name")!,
                    DeleteOptions.Default, dryRun: false, cancellationToken);
                gone &= result.Removed;
            }
            catch (ApiException e) when (e.Code is 404 or 409)
            {
                gone &= e.Code == 404;
            }
        }
        return gone;
    }

    private void Seen(long revision)
    {
        lock (gate)
        {
            seenRevision = Math.Max(seenRevision, revision);
            foreach (var waiter in waiters.Where(w => w.Revision <= seenRevision).ToList())
            {
                waiter.Seen.TrySetResult();
                waiters.Remove(waiter);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await stopping.CancelAsync();
        if (loop is not null)
            await loop.ContinueWith(_ => { }, TaskScheduler.Default);
        stopping.Dispose();
    }
}
