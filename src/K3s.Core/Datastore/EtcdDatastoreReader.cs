using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;
using K3s.Core.Etcd;

namespace K3s.Core.Datastore;

/// <summary>
/// A datastore read through the etcd v3 API: a K3sPs server's kine.sock, `k3sps datastore`, or any
/// etcd. What etcd's API does not say directly it works out: the compact revision by probing reads,
/// the stored history from the state at the compact revision plus the events since.
/// </summary>
public sealed class EtcdDatastoreReader : IDatastoreReader
{
    private const int PageSize = 500;

    /// <summary>etcd's id for a response that belongs to no single watch (progress of the whole stream).</summary>
    private const long StreamWatchId = -1;

    private static readonly TimeSpan QuietReplay = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(30);

    private readonly GrpcChannel channel;
    private readonly KV.KVClient kv;

    private EtcdDatastoreReader(string source, GrpcChannel channel)
    {
        Source = source;
        this.channel = channel;
        kv = new KV.KVClient(channel);
    }

    public string Backend => "etcd v3 API";

    public string Source { get; }

    /// <summary>An endpoint: <c>http://host:port</c>, or <c>unix:///path/to/kine.sock</c>.</summary>
    public static EtcdDatastoreReader Connect(string endpoint) => new(endpoint, EtcdChannel.For(endpoint));

    public async Task<(long Current, long Compact)> GetRevisionsAsync(CancellationToken cancellationToken)
    {
        var current = (await CallAsync(ProbeAt(0), cancellationToken)).Header.Revision;
        // The smallest readable revision is the compact revision (reads below it are refused).
        if (await ReadableAsync(1, cancellationToken))
            return (current, 0);
        long unreadable = 1, readable = current;
        while (readable - unreadable > 1)
        {
            var middle = unreadable + (readable - unreadable) / 2;
            if (await ReadableAsync(middle, cancellationToken))
                readable = middle;
            else
                unreadable = middle;
        }
        return (current, readable);
    }

    public async IAsyncEnumerable<DatastoreRow> ListAsync(KeySelection keys, long revision,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var (key, rangeEnd) = keys.ToEtcdRange();
        if (revision <= 0)
            revision = (await CallAsync(ProbeAt(0), cancellationToken)).Header.Revision;
        while (true)
        {
            var page = await CallAsync(new RangeRequest { Key = key, RangeEnd = rangeEnd, Revision = revision, Limit = PageSize }, cancellationToken);
            foreach (var item in page.Kvs)
                yield return Row(item, item.CreateRevision == item.ModRevision ? DatastoreOperation.Create : DatastoreOperation.Update);
            if (!page.More || page.Kvs.Count == 0 || rangeEnd.IsEmpty)
                yield break;
            // The next page starts right after the last key.
            key = ByteString.CopyFrom([.. page.Kvs[^1].Key.Span, 0]);
        }
    }

    public async IAsyncEnumerable<DatastoreRow> HistoryAsync(KeySelection keys,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var (current, compact) = await GetRevisionsAsync(cancellationToken);
        // What compaction kept at and below the compact revision is the state at it; the rest are events.
        var kept = new List<DatastoreRow>();
        if (compact > 0)
        {
            await foreach (var row in ListAsync(keys, compact, cancellationToken))
                kept.Add(row);
        }
        foreach (var row in kept.OrderBy(r => r.Revision))
            yield return row;
        if (current <= compact)
            yield break;
        await foreach (var row in EventsAsync(KeySelection.All, compact + 1, current, cancellationToken))
        {
            if (keys.Matches(row.Key))
                yield return row;
        }
    }

    public IAsyncEnumerable<DatastoreRow> WatchAsync(KeySelection keys, long fromRevision, CancellationToken cancellationToken) =>
        EventsAsync(keys, fromRevision, long.MaxValue, cancellationToken);

    public Task<DatastoreFileFacts?> GetFileFactsAsync(CancellationToken cancellationToken) => Task.FromResult<DatastoreFileFacts?>(null);

    /// <summary>Events from a revision up to <paramref name="until"/> (inclusive), with deletes carrying the value they removed.</summary>
    private async IAsyncEnumerable<DatastoreRow> EventsAsync(KeySelection keys, long from, long until,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var (key, rangeEnd) = keys.ToEtcdRange();
        using var call = new Etcd.Watch.WatchClient(channel).Watch(cancellationToken: cancellationToken);
        await Unreachable(() => call.RequestStream.WriteAsync(new WatchRequest
        {
            CreateRequest = new WatchCreateRequest { Key = key, RangeEnd = rangeEnd, StartRevision = from, PrevKv = true },
        }, cancellationToken));
        var replaying = until != long.MaxValue;
        var responses = Pump(call.ResponseStream, cancellationToken);
        var next = responses.ReadAsync(cancellationToken).AsTask();
        while (true)
        {
            // A replay usually ends at the event of its last revision. When that revision holds no event
            // (kine's own rows), only a quiet stream tells: then ask for progress, which kine reports once
            // everything before it has been sent. (etcd 3.4 answers at once, but there it has sent its
            // events by then, or the event at the last revision ends the replay first.)
            if (replaying && await Task.WhenAny(next, Task.Delay(QuietReplay, cancellationToken)) != next)
            {
                await call.RequestStream.WriteAsync(new WatchRequest { ProgressRequest = new WatchProgressRequest() }, cancellationToken);
            }
            WatchResponse response;
            try
            {
                response = await next;
            }
            catch (ChannelClosedException)
            {
                yield break;
            }
            next = responses.ReadAsync(cancellationToken).AsTask();
            if (response.Canceled)
            {
                if (response.CompactRevision > 0)
                    throw new DatastoreAccessException(DatastoreAccessException.Compacted,
                        $"revision {from} has been compacted (compact revision {response.CompactRevision})");
                throw new DatastoreAccessException(DatastoreAccessException.Unreachable, $"{Source}: the watch was cancelled: {response.CancelReason}");
            }
            foreach (var @event in response.Events)
            {
                if (@event.Kv.ModRevision > until)
                    yield break;
                yield return @event.Type == Event.Types.EventType.Delete
                    ? new DatastoreRow(@event.Kv.Key.ToStringUtf8(), @event.Kv.ModRevision, @event.PrevKv?.CreateRevision ?? 0, 0,
                        @event.PrevKv?.Lease ?? 0, DatastoreOperation.Delete, @event.PrevKv?.Value.ToByteArray() ?? [])
                    : Row(@event.Kv, @event.Kv.CreateRevision == @event.Kv.ModRevision ? DatastoreOperation.Create : DatastoreOperation.Update);
                if (@event.Kv.ModRevision == until)
                    yield break;
            }
            if (replaying && response.WatchId == StreamWatchId && response.Header.Revision >= until)
                yield break;
        }
    }

    /// <summary>Reads a watch's responses in the background, so that waiting for one can time out without ending the call.</summary>
    private ChannelReader<WatchResponse> Pump(IAsyncStreamReader<WatchResponse> stream, CancellationToken cancellationToken)
    {
        var responses = Channel.CreateUnbounded<WatchResponse>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
        _ = Task.Run(async () =>
        {
            try
            {
                while (await stream.MoveNext(cancellationToken))
                    await responses.Writer.WriteAsync(stream.Current, cancellationToken);
                responses.Writer.TryComplete();
            }
            catch (RpcException e) when (e.StatusCode is StatusCode.Unavailable or StatusCode.DeadlineExceeded)
            {
                responses.Writer.TryComplete(new DatastoreAccessException(DatastoreAccessException.Unreachable,
                    $"{Source}: cannot reach the datastore ({e.Status.Detail})", e));
            }
            catch (Exception e)
            {
                responses.Writer.TryComplete(e);
            }
        }, CancellationToken.None);
        return responses.Reader;
    }

    private static DatastoreRow Row(KeyValue item, DatastoreOperation operation) =>
        new(item.Key.ToStringUtf8(), item.ModRevision, item.CreateRevision, item.Version, item.Lease, operation, item.Value.ToByteArray());

    /// <summary>A cheap read at a revision: its header gives the current revision, its error a compacted one.</summary>
    private static RangeRequest ProbeAt(long revision) => new() { Key = ByteString.CopyFromUtf8("/"), Revision = revision, CountOnly = true };

    private async Task<bool> ReadableAsync(long revision, CancellationToken cancellationToken)
    {
        try
        {
            await CallAsync(ProbeAt(revision), cancellationToken);
            return true;
        }
        catch (DatastoreAccessException e) when (e.ErrorId == DatastoreAccessException.Compacted)
        {
            return false;
        }
    }

    private async Task<RangeResponse> CallAsync(RangeRequest request, CancellationToken cancellationToken)
    {
        try
        {
            return await kv.RangeAsync(request, deadline: DateTime.UtcNow + CallTimeout, cancellationToken: cancellationToken);
        }
        catch (RpcException e) when (e.StatusCode == StatusCode.OutOfRange && e.Status.Detail.Contains("compacted", StringComparison.Ordinal))
        {
            throw new DatastoreAccessException(DatastoreAccessException.Compacted, $"revision {request.Revision} has been compacted", e);
        }
        catch (RpcException e) when (e.StatusCode == StatusCode.OutOfRange)
        {
            throw new DatastoreAccessException(DatastoreAccessException.FutureRevision, $"revision {request.Revision} is after the current revision", e);
        }
        catch (RpcException e) when (e.StatusCode is StatusCode.Unavailable or StatusCode.DeadlineExceeded)
        {
            throw new DatastoreAccessException(DatastoreAccessException.Unreachable, $"{Source}: cannot reach the datastore ({e.Status.Detail})", e);
        }
    }

    private async Task<T> Unreachable<T>(Func<Task<T>> call)
    {
        try
        {
            return await call();
        }
        catch (RpcException e) when (e.StatusCode is StatusCode.Unavailable or StatusCode.DeadlineExceeded)
        {
            throw new DatastoreAccessException(DatastoreAccessException.Unreachable, $"{Source}: cannot reach the datastore ({e.Status.Detail})", e);
        }
    }

    private Task Unreachable(Func<Task> call) => Unreachable(async () =>
    {
        await call();
        return true;
    });

    public ValueTask DisposeAsync()
    {
        channel.Dispose();
        return ValueTask.CompletedTask;
    }
}
