using System.Text.Json.Nodes;
using System.Threading.Channels;
using K3s.ApiServer.Machinery;
using K3s.ApiServer.Resources;
using K3s.Core.Etcd;

namespace K3s.ApiServer.Storage;

/// <summary>
/// The shared watch of one kind: a datastore watch from the first subscriber's revision on, a ring of
/// the latest changes, and the subscribers, each fed the changes of its namespace in revision order.
/// Objects handed out are shared and must not be changed.
/// </summary>
public sealed class KindWatch(IEtcdStore etcd, ResourceDefinition definition, int capacity) : IAsyncDisposable
{
    private readonly Lock gate = new();
    private readonly LinkedList<ObjectStore.WatchEvent> ring = new();
    private readonly List<Subscription> subscribers = [];
    private readonly CancellationTokenSource stopping = new();
    private IEtcdWatch? watch;
    private Task? starting;
    private Task? pump;
    /// <summary>Every change after this revision is in the ring (or was given to every subscriber before it left it).</summary>
    private long coveredAfter = -1;

    /// <summary>One client watch's share: its changes, in order, and how far the shared watch has seen.</summary>
    public sealed class Subscription(KindWatch owner, string? @namespace) : IDisposable
    {
        internal readonly Channel<ObjectStore.WatchEvent> Changes = Channel.CreateUnbounded<ObjectStore.WatchEvent>(new UnboundedChannelOptions { SingleReader = true });

        internal string? Namespace => @namespace;

        public ChannelReader<ObjectStore.WatchEvent> Reader => Changes.Reader;

        /// <summary>Every change at or below this revision has been written to <see cref="Reader"/>.</summary>
        public long SyncedRevision => owner.watch?.SyncedRevision ?? 0;

        public void Dispose() => owner.Leave(this);
    }

    public async Task<Subscription?> SubscribeAsync(string? @namespace, long afterRevision, CancellationToken cancellationToken)
    {
        await EnsureStartedAsync(afterRevision, cancellationToken);
        lock (gate)
        {
            if (afterRevision < coveredAfter)
                return null;
            var subscription = new Subscription(this, @namespace);
            foreach (var change in ring)
            {
                if (Revision(change) > afterRevision && InNamespace(change, @namespace))
                    subscription.Changes.Writer.TryWrite(change);
            }
            subscribers.Add(subscription);
            return subscription;
        }
    }

    /// <summary>Starts the datastore watch once, at the first subscriber's revision; later subscribers wait for it.</summary>
    private Task EnsureStartedAsync(long afterRevision, CancellationToken cancellationToken)
    {
        Task started;
        lock (gate)
            started = starting ??= StartAsync(afterRevision);
        return started.WaitAsync(cancellationToken);
    }

    private async Task StartAsync(long afterRevision)
    {
        try
        {
            var output = Channel.CreateUnbounded<WatchResponse>(new UnboundedChannelOptions { SingleReader = true });
            var started = await etcd.WatchAsync(1, ObjectStore.WatchRequest(definition.KeyPrefix, afterRevision), output.Writer, stopping.Token);
            // The created response carries the revision a watch from "now" starts after.
            var created = await output.Reader.ReadAsync(stopping.Token);
            lock (gate)
            {
                watch = started;
                coveredAfter = afterRevision > 0 ? afterRevision : created.Header.Revision;
                pump = Task.Run(() => PumpAsync(output.Reader, stopping.Token), CancellationToken.None);
            }
        }
        catch
        {
            lock (gate)
                starting = null;
            throw;
        }
    }

    private async Task PumpAsync(ChannelReader<WatchResponse> output, CancellationToken cancellationToken)
    {
        Exception? ended = null;
        try
        {
            await foreach (var response in output.ReadAllAsync(cancellationToken))
            {
                if (response.Canceled)
                {
                    ended = response.CompactRevision > 0
                        ? ApiException.Gone($"too old resource version: {coveredAfter} ({response.CompactRevision})")
                        : new InvalidOperationException("the datastore ended the watch: " + response.CancelReason);
                    break;
                }
                foreach (var @event in response.Events)
                    Publish(ObjectStore.ToWatchEvent(definition, @event));
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            ended = e;
        }
        Reset(ended);
    }

    private void Publish(ObjectStore.WatchEvent change)
    {
        // Watchers read the shared objects on their own threads; parsed nodes fill in lazily, so fill them in here, once.
        Materialize(change.Object);
        Materialize(change.Previous);
        lock (gate)
        {
            ring.AddLast(change);
            if (ring.Count > capacity)
            {
                coveredAfter = Revision(ring.First!.Value);
                ring.RemoveFirst();
            }
            foreach (var subscriber in subscribers)
            {
                if (InNamespace(change, subscriber.Namespace))
                    subscriber.Changes.Writer.TryWrite(change);
            }
        }
    }

    /// <summary>The datastore watch ended: its subscribers end with the reason, and the next subscriber starts it again.</summary>
    private void Reset(Exception? reason)
    {
        IEtcdWatch? ended;
        lock (gate)
        {
            if (stopping.IsCancellationRequested)
                return; // DisposeAsync ends the subscribers and the watch itself
            foreach (var subscriber in subscribers)
                subscriber.Changes.Writer.TryComplete(reason);
            subscribers.Clear();
            ring.Clear();
            ended = watch;
            watch = null;
            starting = null;
            pump = null;
            coveredAfter = -1;
        }
        if (ended is not null)
            _ = ended.DisposeAsync().AsTask();
    }

    private void Leave(Subscription subscription)
    {
        lock (gate)
            subscribers.Remove(subscription);
        subscription.Changes.Writer.TryComplete();
    }

    private static void Materialize(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject members:
                foreach (var (_, value) in members)
                    Materialize(value);
                break;
            case JsonArray items:
                foreach (var item in items)
                    Materialize(item);
                break;
        }
    }

    private bool InNamespace(ObjectStore.WatchEvent change, string? @namespace) =>
        @namespace is null || !definition.Namespaced || JsonPaths.GetString(change.Object, "metadata.namespace") == @namespace;

    private static long Revision(ObjectStore.WatchEvent change) => ObjectStore.RevisionOf(change.Object);

    public async ValueTask DisposeAsync()
    {
        await stopping.CancelAsync();
        Task? running;
        IEtcdWatch? open;
        lock (gate)
        {
            running = pump;
            open = watch;
            watch = null;
            foreach (var subscriber in subscribers)
                subscriber.Changes.Writer.TryComplete();
            subscribers.Clear();
        }
        if (open is not null)
            await open.DisposeAsync();
        if (running is not null)
            await running.ContinueWith(_ => { }, TaskScheduler.Default);
        stopping.Dispose();
    }
}
