using System.Collections.Concurrent;
using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging;

namespace K3s.Controllers.Runtime;

/// <summary>
/// client-go's informer, smaller: lists a kind, then watches from the list's resourceVersion, keeps
/// the current objects in a local cache and tells its subscribers the key of every object that
/// changed or went. It lists again after each resync period (so every key is delivered again and a
/// missed event cannot leave the cache wrong for long), when the watch ends, and after an error,
/// waiting with exponential backoff while errors repeat.
/// </summary>
public sealed class Informer<T>(ListWatch<T> source, TimeSpan resyncPeriod, ILogger logger)
    where T : class, IKubernetesObject<V1ObjectMeta>
{
    private readonly ConcurrentDictionary<string, T> cache = new();
    private readonly List<Action<string>> subscribers = [];
    private readonly Backoff backoff = new(TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(30));
    private readonly TaskCompletionSource synced = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes once the first list is in the cache.</summary>
    public Task Synced => synced.Task;

    /// <summary>Calls the handler with the key of every object added, changed, deleted or resynced.</summary>
    public void Subscribe(Action<string> handler) => subscribers.Add(handler);

    public bool TryGet(string key, out T item) => cache.TryGetValue(key, out item!);

    public IReadOnlyCollection<T> Items => cache.Values.ToList();

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                var resourceVersion = await ListAsync(cancellationToken);
                synced.TrySetResult();
                backoff.Reset();
                await WatchUntilResyncAsync(resourceVersion, cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e)
            {
                var delay = backoff.Next();
                logger.LogWarning("{Kind} informer: {Error}; listing again in {Delay} ms", typeof(T).Name, e.Message, (int)delay.TotalMilliseconds);
                await Task.Delay(delay, cancellationToken).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        }
    }

    /// <summary>Replaces the cache with a fresh list; keys that vanished are delivered as well.</summary>
    private async Task<string> ListAsync(CancellationToken cancellationToken)
    {
        var list = await source.List(cancellationToken);
        var listed = list.Items.ToDictionary(ObjectKey.Of);
        foreach (var key in cache.Keys.Except(listed.Keys).ToList())
        {
            cache.TryRemove(key, out _);
            Notify(key);
        }
        foreach (var (key, item) in listed)
        {
            cache[key] = item;
            Notify(key);
        }
        return list.ResourceVersion;
    }

    private async Task WatchUntilResyncAsync(string resourceVersion, CancellationToken cancellationToken)
    {
        using var resync = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        resync.CancelAfter(resyncPeriod);
        try
        {
            await foreach (var (type, item) in source.Watch(resourceVersion, resync.Token))
            {
                switch (type)
                {
                    case WatchEventType.Added or WatchEventType.Modified:
                        cache[ObjectKey.Of(item)] = item;
                        Notify(ObjectKey.Of(item));
                        break;
                    case WatchEventType.Deleted:
                        cache.TryRemove(ObjectKey.Of(item), out _);
                        Notify(ObjectKey.Of(item));
                        break;
                    case WatchEventType.Error:
                        // Typically 410 Gone: the resourceVersion is too old; a new list starts afresh.
                        return;
                }
            }
        }
        catch (OperationCanceledException) when (resync.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            // Time to resync.
        }
    }

    private void Notify(string key)
    {
        foreach (var subscriber in subscribers)
            subscriber(key);
    }
}
