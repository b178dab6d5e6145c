using System.Threading.Channels;

namespace K3s.Core.Etcd;

/// <summary>
/// The etcd v3 API as a .NET interface, in etcd's own messages: what the API server stores
/// through. The datastore implements it in process; an etcd client implements it over gRPC.
/// Errors are etcd's, as <see cref="Grpc.Core.RpcException"/>s (see <see cref="EtcdErrors"/>).
/// </summary>
public interface IEtcdStore
{
    Task<RangeResponse> RangeAsync(RangeRequest request, CancellationToken cancellationToken = default);
    Task<PutResponse> PutAsync(PutRequest request, CancellationToken cancellationToken = default);
    Task<DeleteRangeResponse> DeleteRangeAsync(DeleteRangeRequest request, CancellationToken cancellationToken = default);
    Task<TxnResponse> TxnAsync(TxnRequest request, CancellationToken cancellationToken = default);
    Task<CompactionResponse> CompactAsync(CompactionRequest request, CancellationToken cancellationToken = default);

    /// <summary>
    /// Starts a watch: writes its created response to <paramref name="output"/> before returning, then
    /// its events, progress notifications and any final compacted cancellation, tagged with
    /// <paramref name="watchId"/>, in revision order. A start revision of 0 means the revision after
    /// the current one. Several watches may share one output. Disposing the watch stops it.
    /// </summary>
    Task<IEtcdWatch> WatchAsync(long watchId, WatchCreateRequest request, ChannelWriter<WatchResponse> output,
        CancellationToken cancellationToken = default);

    /// <summary>The newest revision watches have been given (or are being given) so far.</summary>
    long WatchedRevision { get; }

    Task<LeaseGrantResponse> LeaseGrantAsync(LeaseGrantRequest request, CancellationToken cancellationToken = default);
    Task<LeaseRevokeResponse> LeaseRevokeAsync(LeaseRevokeRequest request, CancellationToken cancellationToken = default);
    Task<LeaseKeepAliveResponse> LeaseKeepAliveAsync(LeaseKeepAliveRequest request, CancellationToken cancellationToken = default);
    Task<LeaseTimeToLiveResponse> LeaseTimeToLiveAsync(LeaseTimeToLiveRequest request, CancellationToken cancellationToken = default);
    Task<LeaseLeasesResponse> LeaseLeasesAsync(LeaseLeasesRequest request, CancellationToken cancellationToken = default);

    Task<StatusResponse> StatusAsync(CancellationToken cancellationToken = default);
}

/// <summary>A running watch.</summary>
public interface IEtcdWatch : IAsyncDisposable
{
    long WatchId { get; }

    /// <summary>Every event at or below this revision has been written to the output.</summary>
    long SyncedRevision { get; }
}
