using System.Collections.Concurrent;
using System.Threading.Channels;
using Grpc.Core;

namespace K3s.Core.Etcd;

/// <summary>
/// One bidirectional Watch stream to etcd that carries every watch of an <see cref="EtcdClientStore"/>, as
/// etcd's own client multiplexes them. Creates go one at a time and etcd assigns the ids, so the next
/// created response answers the create in flight. Responses are routed by etcd's id to the caller's
/// output under the caller's id, in the order etcd sent them; a slow output therefore holds up the
/// others, as HTTP/2 flow control would. If the stream fails, every output is completed with the
/// error and the stream takes no more watches (the store opens a new one for the next watch).
/// </summary>
internal sealed class EtcdWatchStream : IAsyncDisposable
{
    private readonly AsyncDuplexStreamingCall<WatchRequest, WatchResponse> call;
    private readonly Action<long> observed;
    // A gRPC request stream takes one write at a time.
    private readonly SemaphoreSlim sending = new(1, 1);
    // Taken by a create and released when its created response has been handled (or the stream failed).
    private readonly SemaphoreSlim creating = new(1, 1);
    private readonly ConcurrentDictionary<long, EtcdClientWatch> watches = new();
    private readonly CancellationTokenSource stop = new();
    private readonly Task receiving;
    private PendingCreate? pending;
    private volatile Exception? failure;

    public EtcdWatchStream(Watch.WatchClient client, Action<long> observed)
    {
        this.observed = observed;
        call = client.Watch(cancellationToken: stop.Token);
        receiving = Task.Run(ReceiveAsync);
    }

    /// <summary>Whether the stream has ended; it takes no more watches then.</summary>
    public bool Failed => failure is not null;

    public async Task<IEtcdWatch> AddAsync(long watchId, WatchCreateRequest request, ChannelWriter<WatchResponse> output,
        CancellationToken cancellationToken)
    {
        await creating.WaitAsync(cancellationToken);
        var watch = new EtcdClientWatch(this, watchId, request.StartRevision, output);
        var created = new PendingCreate(watch);
        Interlocked.Exchange(ref pending, created); // a full fence: Fail must see it, or it must be seen failed below
        try
        {
            // A failure from here on completes the pending create (see Fail); one before is rethrown.
            if (failure is { } failed)
                throw failed;
            // etcd numbers the watches of a stream itself; the caller's id is put back on every response.
            var create = request.Clone();
            create.WatchId = 0;
            await SendAsync(new WatchRequest { CreateRequest = create }, cancellationToken);
        }
        catch
        {
            // Whoever clears the pending create releases the create slot: this call or Fail.
            if (Interlocked.CompareExchange(ref pending, null, created) == created)
                creating.Release();
            throw;
        }
        try
        {
            await created.Done.Task.WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            // The created response may still come: the receiver cancels the watch then.
            watch.Abandoned = true;
            throw;
        }
        return watch;
    }

    /// <summary>Stops a watch at etcd; nothing more is delivered to it.</summary>
    public async Task CancelAsync(EtcdClientWatch watch)
    {
        if (watch.EtcdWatchId < 0 || !watches.TryRemove(KeyValuePair.Create(watch.EtcdWatchId, watch)) || Failed)
            return;
        try
        {
            await SendAsync(new WatchRequest { CancelRequest = new WatchCancelRequest { WatchId = watch.EtcdWatchId } }, stop.Token);
        }
        catch (Exception e) when (e is RpcException or OperationCanceledException or InvalidOperationException or IOException)
        {
            // The stream is gone, and the watch with it.
        }
    }

    /// <summary>Reported by a watch as it delivers, for the store's newest watched revision.</summary>
    public void Observed(long revision) => observed(revision);

    private async Task SendAsync(WatchRequest request, CancellationToken cancellationToken)
    {
        await sending.WaitAsync(cancellationToken);
        try
        {
            await call.RequestStream.WriteAsync(request, cancellationToken);
        }
        finally
        {
            sending.Release();
        }
    }

    private async Task ReceiveAsync()
    {
        Exception ended;
        try
        {
            await foreach (var response in call.ResponseStream.ReadAllAsync(stop.Token))
            {
                if (response.Created)
                    await CreatedAsync(response);
                else if (watches.TryGetValue(response.WatchId, out var watch))
                    await RouteAsync(watch, response);
                // Anything else is for a watch already cancelled here, or for the whole stream (-1).
            }
            ended = new RpcException(new Status(StatusCode.Unavailable, "etcd ended the watch stream"));
        }
        catch (Exception e) when (stop.IsCancellationRequested)
        {
            ended = new RpcException(new Status(StatusCode.Cancelled, "the etcd client was closed"), e.Message);
        }
        catch (Exception e)
        {
            ended = e as RpcException ?? new RpcException(new Status(StatusCode.Unavailable, $"etcd watch stream failed: {e.Message}", e));
        }
        Fail(ended);
    }

    private async Task CreatedAsync(WatchResponse response)
    {
        var created = Interlocked.Exchange(ref pending, null);
        if (created is null)
            return; // not one this stream asked for
        try
        {
            if (response.Canceled)
            {
                // etcd refused the create (e.g. an empty range): the caller gets etcd's reason.
                created.Done.TrySetException(EtcdErrors.Error(StatusCode.InvalidArgument, response.CancelReason));
                return;
            }
            var watch = created.Watch;
            watch.Created(response.WatchId);
            watches[response.WatchId] = watch;
            if (watch.Abandoned || !await watch.DeliverAsync(response, stop.Token))
            {
                _ = CancelAsync(watch);
                created.Done.TrySetCanceled();
                return;
            }
            created.Done.TrySetResult();
        }
        finally
        {
            creating.Release();
        }
    }

    private async Task RouteAsync(EtcdClientWatch watch, WatchResponse response)
    {
        // A cancelled response is the watch's last (compacted, or stopped at etcd): forget it first.
        if (response.Canceled)
            watches.TryRemove(KeyValuePair.Create(response.WatchId, watch));
        if (!await watch.DeliverAsync(response, stop.Token) && !response.Canceled)
            _ = CancelAsync(watch); // the caller no longer takes its output
    }

    /// <summary>Ends every watch's output, and a create in flight, with why the stream ended.</summary>
    private void Fail(Exception reason)
    {
        failure = reason;
        if (Interlocked.Exchange(ref pending, null) is { } created)
        {
            created.Done.TrySetException(reason);
            creating.Release();
        }
        foreach (var watch in watches.Values)
            watch.Fail(reason);
        watches.Clear();
    }

    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync();
        await receiving;
        call.Dispose();
    }

    private sealed class PendingCreate(EtcdClientWatch watch)
    {
        public EtcdClientWatch Watch { get; } = watch;

        public TaskCompletionSource Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
