using System.Runtime.CompilerServices;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;
using K3s.Core.Etcd;

namespace K3s.Core.Datastore;

/// <summary>
/// What a dump reads from an etcd v3 endpoint: the current revision, every key at a revision (counted,
/// and listed page by page), and the TTLs of leases.
/// </summary>
internal sealed class DumpEndpoint : IDisposable
{
    private const int PageSize = 500;
    private static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(30);

    private readonly string endpoint;
    private readonly GrpcChannel channel;

    private DumpEndpoint(string endpoint, GrpcChannel channel)
    {
        this.endpoint = endpoint;
        this.channel = channel;
    }

    /// <summary><c>http://host:port</c>, or <c>unix:///path/to/kine.sock</c>.</summary>
    public static DumpEndpoint Connect(string endpoint) => new(endpoint, EtcdChannel.For(endpoint));

    public async Task<long> CurrentRevisionAsync(CancellationToken cancellationToken) =>
        (await RangeAsync(new RangeRequest { Key = ByteString.CopyFromUtf8("/"), CountOnly = true }, cancellationToken)).Header.Revision;

    /// <summary>Every key at a revision, counted by the server.</summary>
    public async Task<long> CountAsync(long revision, CancellationToken cancellationToken)
    {
        var (key, rangeEnd) = KeySelection.All.ToEtcdRange();
        return (await RangeAsync(new RangeRequest { Key = key, RangeEnd = rangeEnd, Revision = revision, CountOnly = true }, cancellationToken)).Count;
    }

    /// <summary>
    /// Every key at a revision, by key. A page starts at the previous page's last key, which it
    /// repeats: K3s.Kine refuses the usual "last key + NUL" as a range start (its keys are text).
    /// </summary>
    public async IAsyncEnumerable<KeyValue> ListAsync(long revision, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var (key, rangeEnd) = KeySelection.All.ToEtcdRange();
        ByteString? last = null;
        while (true)
        {
            var page = await RangeAsync(new RangeRequest { Key = key, RangeEnd = rangeEnd, Revision = revision, Limit = PageSize + 1 }, cancellationToken);
            var items = page.Kvs.SkipWhile(item => item.Key == last).ToList();
            foreach (var item in items)
                yield return item;
            if (!page.More || items.Count == 0)
                yield break;
            last = items[^1].Key;
            key = last;
        }
    }

    /// <summary>
    /// The TTL a lease was granted; 0 for a lease that has expired since the keys were read (a server
    /// restored from the dump then expires it at once, as the source has). Servers without
    /// LeaseTimeToLive (upstream kine) use the TTL as the lease's id, so the id is the TTL there.
    /// </summary>
    public async Task<long> GrantedTtlAsync(long lease, CancellationToken cancellationToken)
    {
        try
        {
            var response = await new Lease.LeaseClient(channel).LeaseTimeToLiveAsync(new LeaseTimeToLiveRequest { ID = lease },
                deadline: DateTime.UtcNow + CallTimeout, cancellationToken: cancellationToken);
            return response.TTL < 0 ? 0 : response.GrantedTTL;
        }
        catch (RpcException e) when (e.StatusCode is StatusCode.Unimplemented or StatusCode.Unknown)
        {
            return lease;
        }
        catch (RpcException e) when (e.StatusCode == StatusCode.NotFound)
        {
            return 0;
        }
        catch (RpcException e) when (e.StatusCode is StatusCode.Unavailable or StatusCode.DeadlineExceeded)
        {
            throw new DatastoreAccessException(DatastoreAccessException.Unreachable, $"{endpoint}: cannot reach the datastore ({e.Status.Detail})", e);
        }
    }

    private async Task<RangeResponse> RangeAsync(RangeRequest request, CancellationToken cancellationToken)
    {
        try
        {
            return await new KV.KVClient(channel).RangeAsync(request, deadline: DateTime.UtcNow + CallTimeout, cancellationToken: cancellationToken);
        }
        catch (RpcException e) when (e.StatusCode == StatusCode.OutOfRange)
        {
            throw new DatastoreAccessException(DatastoreAccessException.Compacted,
                $"{endpoint}: revision {request.Revision} can no longer be read ({e.Status.Detail})", e);
        }
        catch (RpcException e) when (e.StatusCode is StatusCode.Unavailable or StatusCode.DeadlineExceeded)
        {
            throw new DatastoreAccessException(DatastoreAccessException.Unreachable, $"{endpoint}: cannot reach the datastore ({e.Status.Detail})", e);
        }
    }

    public void Dispose() => channel.Dispose();
}
