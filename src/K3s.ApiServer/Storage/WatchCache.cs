using System.Collections.Concurrent;
using K3s.ApiServer.Resources;
using K3s.Core.Etcd;

namespace K3s.ApiServer.Storage;

/// <summary>
/// One datastore watch per served kind, shared by every client watch of that kind: each change is
/// read and decoded once and handed to all of them, and recent changes are kept so a watch that
/// starts a little in the past is served from memory. N watchers then cost one datastore watch.
/// </summary>
public sealed class WatchCache(IEtcdStore etcd, int capacity = 4096) : IAsyncDisposable
{
    private readonly ConcurrentDictionary<(string Prefix, string ApiVersion), KindWatch> kinds = new();

    /// <summary>
    /// A subscription to a kind's changes after a revision (in one namespace, or all), or null when
    /// the cache no longer holds that revision: the caller then watches the datastore itself.
    /// </summary>
    public Task<KindWatch.Subscription?> SubscribeAsync(ResourceDefinition definition, string? @namespace, long afterRevision,
        CancellationToken cancellationToken) =>
        kinds.GetOrAdd((definition.KeyPrefix, definition.ApiVersion), _ => new KindWatch(etcd, definition, capacity))
            .SubscribeAsync(@namespace, afterRevision, cancellationToken);

    public async ValueTask DisposeAsync()
    {
        foreach (var kind in kinds.Values)
            await kind.DisposeAsync();
    }
}
