using System.Threading.Channels;
using Grpc.Core;
using K3s.Core.Etcd;
using K3s.Kine.Store;

namespace K3s.Kine.Server;

/// <summary>
/// etcd's Watch service: one bidirectional stream carries many watches, created and cancelled by
/// the client, whose responses share one ordered output.
/// </summary>
internal sealed class WatchService(IEtcdStore store) : Core.Etcd.Watch.WatchBase
{
    /// <summary>etcd's id for responses that belong to no single watch (progress for the whole stream).</summary>
    private const long StreamWatchId = -1;

    private static readonly TimeSpan ProgressPatience = TimeSpan.FromSeconds(10);

    public override async Task Watch(IAsyncStreamReader<WatchRequest> requestStream, IServerStreamWriter<WatchResponse> responseStream,
        ServerCallContext context)
    {
        var output = Channel.CreateBounded<WatchResponse>(new BoundedChannelOptions(1024) { SingleReader = true });
        var sending = SendAllAsync(output.Reader, responseStream, context.CancellationToken);
        var watches = new Dictionary<long, IEtcdWatch>();
        var progressReplies = new List<Task>();
        long nextId = 0;
        try
        {
            await foreach (var request in requestStream.ReadAllAsync(context.CancellationToken))
            {
                switch (request.RequestUnionCase)
                {
                    case WatchRequest.RequestUnionOneofCase.CreateRequest:
                        await CreateAsync(request.CreateRequest);
                        break;
                    case WatchRequest.RequestUnionOneofCase.CancelRequest:
                        if (watches.Remove(request.CancelRequest.WatchId, out var cancelled))
                        {
                            await cancelled.DisposeAsync();
                            await output.Writer.WriteAsync(new WatchResponse
                            {
                                WatchId = cancelled.WatchId,
                                Canceled = true,
                                Header = Headers.At(store.WatchedRevision),
                            }, context.CancellationToken);
                        }
                        break;
                    case WatchRequest.RequestUnionOneofCase.ProgressRequest:
                        progressReplies.Add(ReplyProgressAsync(watches.Values.ToList(), output.Writer, context.CancellationToken));
                        break;
                }
            }
        }
        catch (OperationCanceledException) when (context.CancellationToken.IsCancellationRequested)
        {
            // The client went away.
        }
        finally
        {
            foreach (var watch in watches.Values)
                await watch.DisposeAsync();
            await Task.WhenAll(progressReplies).ContinueWith(_ => { }, TaskScheduler.Default);
            output.Writer.TryComplete();
            await sending.ContinueWith(_ => { }, TaskScheduler.Default);
        }

        async Task CreateAsync(WatchCreateRequest create)
        {
            if (!create.RangeEnd.IsEmpty && !(create.RangeEnd.Length == 1 && create.RangeEnd[0] == 0)
                && create.Key.Span.SequenceCompareTo(create.RangeEnd.Span) >= 0)
            {
                await RefuseAsync(StreamWatchId, "mvcc: watcher range is empty");
                return;
            }
            var id = create.WatchId;
            if (id == 0)
            {
                while (watches.ContainsKey(nextId))
                    nextId++;
                id = nextId++;
            }
            else if (watches.ContainsKey(id))
            {
                await RefuseAsync(StreamWatchId, "mvcc: duplicate watch ID provided on the WatchStream");
                return;
            }
            try
            {
                watches[id] = await store.WatchAsync(id, create, output.Writer, context.CancellationToken);
            }
            catch (RpcException e)
            {
                await RefuseAsync(id, e.Status.Detail);
            }
        }

        Task RefuseAsync(long id, string reason) =>
            output.Writer.WriteAsync(new WatchResponse
            {
                WatchId = id,
                Created = true,
                Canceled = true,
                CancelReason = reason,
                Header = Headers.At(store.WatchedRevision),
            }, context.CancellationToken).AsTask();
    }

    /// <summary>
    /// Tells the client that every watch of the stream has sent everything up to a revision, once
    /// they have (etcd 3.5's behaviour; 3.4 answered at once, even if a watch was behind).
    /// </summary>
    private async Task ReplyProgressAsync(List<IEtcdWatch> watches, ChannelWriter<WatchResponse> output, CancellationToken cancellationToken)
    {
        var revision = store.WatchedRevision;
        var deadline = DateTime.UtcNow + ProgressPatience;
        while (watches.Any(watch => watch.SyncedRevision < revision))
        {
            if (DateTime.UtcNow > deadline)
                return; // a watch that cannot keep up gets no progress report, as in etcd
            await Task.Delay(5, cancellationToken);
        }
        await output.WriteAsync(new WatchResponse { WatchId = StreamWatchId, Header = Headers.At(revision) }, cancellationToken);
    }

    private static async Task SendAllAsync(ChannelReader<WatchResponse> responses, IServerStreamWriter<WatchResponse> stream,
        CancellationToken cancellationToken)
    {
        await foreach (var response in responses.ReadAllAsync(cancellationToken))
            await stream.WriteAsync(response, cancellationToken);
    }
}
