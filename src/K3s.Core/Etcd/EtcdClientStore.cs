using System.Threading.Channels;
using Grpc.Core;
using Grpc.Net.Client;
using K3s.Core.Datastore;

namespace K3s.Core.Etcd;

/// <summary>
/// An etcd v3 server reached over gRPC, as an <see cref="IEtcdStore"/>: what the API server stores through
/// when <c>--datastore-endpoint</c> names etcd, as in k3s. Each call is the RPC of the same name; errors
/// are etcd's own <see cref="RpcException"/>s. Watches share one Watch stream (<see cref="EtcdWatchStream"/>).
/// Of several endpoints the first that answers is used for the store's lifetime (no failover).
/// </summary>
public sealed class EtcdClientStore : IEtcdStore, IAsyncDisposable
{
    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(10);

    private readonly GrpcChannel channel;
    private readonly KV.KVClient kv;
    private readonly Watch.WatchClient watchClient;
    private readonly Lease.LeaseClient lease;
    private readonly Maintenance.MaintenanceClient maintenance;
    private readonly Lock streamLock = new();
    private EtcdWatchStream? stream;
    private long watchedRevision;
    private bool disposed;

    private EtcdClientStore(Uri endpoint)
    {
        Endpoint = endpoint;
        channel = EtcdChannel.For(endpoint.ToString(), ChannelOptions());
        kv = new KV.KVClient(channel);
        watchClient = new Watch.WatchClient(channel);
        lease = new Lease.LeaseClient(channel);
        maintenance = new Maintenance.MaintenanceClient(channel);
    }

    /// <summary>The endpoint in use.</summary>
    public Uri Endpoint { get; }

    public long WatchedRevision => Interlocked.Read(ref watchedRevision);

    /// <summary>
    /// Connects to the first of the comma-separated <c>http(s)://host:port</c> endpoints that answers a
    /// status request; fails naming each endpoint and why, if none does.
    /// </summary>
    public static async Task<EtcdClientStore> ConnectAsync(string endpoints, CancellationToken cancellationToken = default)
    {
        var failures = new List<string>();
        foreach (var endpoint in EtcdEndpoints.Parse(endpoints))
        {
            var store = new EtcdClientStore(endpoint);
            try
            {
                await store.maintenance.StatusAsync(new StatusRequest(), deadline: DateTime.UtcNow + ConnectTimeout,
                    cancellationToken: cancellationToken);
                return store;
            }
            catch (RpcException e)
            {
                failures.Add($"{endpoint}: {e.Status.Detail}");
                await store.DisposeAsync();
            }
            catch
            {
                await store.DisposeAsync();
                throw;
            }
        }
        throw new DatastoreAccessException(DatastoreAccessException.Unreachable, $"etcd does not answer: {string.Join("; ", failures)}");
    }

    public Task<RangeResponse> RangeAsync(RangeRequest request, CancellationToken cancellationToken = default) =>
        kv.RangeAsync(request, cancellationToken: cancellationToken).ResponseAsync;

    public Task<PutResponse> PutAsync(PutRequest request, CancellationToken cancellationToken = default) =>
        kv.PutAsync(request, cancellationToken: cancellationToken).ResponseAsync;

    public Task<DeleteRangeResponse> DeleteRangeAsync(DeleteRangeRequest request, CancellationToken cancellationToken = default) =>
        kv.DeleteRangeAsync(request, cancellationToken: cancellationToken).ResponseAsync;

    public Task<TxnResponse> TxnAsync(TxnRequest request, CancellationToken cancellationToken = default) =>
        kv.TxnAsync(request, cancellationToken: cancellationToken).ResponseAsync;

    public Task<CompactionResponse> CompactAsync(CompactionRequest request, CancellationToken cancellationToken = default) =>
        kv.CompactAsync(request, cancellationToken: cancellationToken).ResponseAsync;

    public Task<IEtcdWatch> WatchAsync(long watchId, WatchCreateRequest request, ChannelWriter<WatchResponse> output,
        CancellationToken cancellationToken = default) =>
        CurrentStream().AddAsync(watchId, request, output, cancellationToken);

    public Task<LeaseGrantResponse> LeaseGrantAsync(LeaseGrantRequest request, CancellationToken cancellationToken = default) =>
        lease.LeaseGrantAsync(request, cancellationToken: cancellationToken).ResponseAsync;

    public Task<LeaseRevokeResponse> LeaseRevokeAsync(LeaseRevokeRequest request, CancellationToken cancellationToken = default) =>
        lease.LeaseRevokeAsync(request, cancellationToken: cancellationToken).ResponseAsync;

    /// <summary>etcd's keepalive is a stream of requests and answers; one of each makes this call.</summary>
    public async Task<LeaseKeepAliveResponse> LeaseKeepAliveAsync(LeaseKeepAliveRequest request, CancellationToken cancellationToken = default)
    {
        using var call = lease.LeaseKeepAlive(cancellationToken: cancellationToken);
        await call.RequestStream.WriteAsync(request, cancellationToken);
        await call.RequestStream.CompleteAsync();
        if (!await call.ResponseStream.MoveNext(cancellationToken))
            throw EtcdErrors.Error(StatusCode.Unavailable, "etcd ended the lease keepalive stream without an answer");
        return call.ResponseStream.Current;
    }

    public Task<LeaseTimeToLiveResponse> LeaseTimeToLiveAsync(LeaseTimeToLiveRequest request, CancellationToken cancellationToken = default) =>
        lease.LeaseTimeToLiveAsync(request, cancellationToken: cancellationToken).ResponseAsync;

    public Task<LeaseLeasesResponse> LeaseLeasesAsync(LeaseLeasesRequest request, CancellationToken cancellationToken = default) =>
        lease.LeaseLeasesAsync(request, cancellationToken: cancellationToken).ResponseAsync;

    public Task<StatusResponse> StatusAsync(CancellationToken cancellationToken = default) =>
        maintenance.StatusAsync(new StatusRequest(), cancellationToken: cancellationToken).ResponseAsync;

    public async ValueTask DisposeAsync()
    {
        EtcdWatchStream? last;
        lock (streamLock)
        {
            disposed = true;
            last = stream;
            stream = null;
        }
        if (last is not null)
            await last.DisposeAsync();
        channel.Dispose();
    }

    /// <summary>The open watch stream; a new one if there is none yet or the last one failed.</summary>
    private EtcdWatchStream CurrentStream()
    {
        lock (streamLock)
        {
            ObjectDisposedException.ThrowIf(disposed, this);
            if (stream is null || stream.Failed)
            {
                // A failed stream has already ended its watches' outputs; it only holds its gRPC call.
                stream?.DisposeAsync().AsTask();
                stream = new EtcdWatchStream(watchClient, revision => EtcdClientWatch.InterlockedMax(ref watchedRevision, revision));
            }
            return stream;
        }
    }

    private static GrpcChannelOptions ChannelOptions() => new()
    {
        HttpHandler = new SocketsHttpHandler
        {
            // The datastore is reached directly, never through an HTTP proxy named in the environment.
            UseProxy = false,
            // Pings find a dead etcd under a quiet watch; etcd refuses pings more often than every 5 s.
            KeepAlivePingDelay = TimeSpan.FromSeconds(30),
            KeepAlivePingTimeout = TimeSpan.FromSeconds(10),
            KeepAlivePingPolicy = HttpKeepAlivePingPolicy.WithActiveRequests,
            EnableMultipleHttp2Connections = true,
        },
        // A list of a whole prefix can exceed gRPC's 4 MiB default; the Kubernetes storage layer lifts it too.
        MaxReceiveMessageSize = null,
        // Cancellation surfaces as .NET's OperationCanceledException, as from the in-process store.
        ThrowOperationCanceledOnCancellation = true,
    };
}
