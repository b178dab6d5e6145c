using System.Threading.Channels;
using K3s.Core.Etcd;

namespace K3s.Service.Roles;

/// <summary>
/// The datastore as the API server sees it, with one addition: <see cref="CloseWatches"/> ends every
/// watch's output, so each open watch request (kubectl get -w, informers) finishes and the API
/// server can stop at once instead of waiting for its clients to hang up.
/// </summary>
internal sealed class WatchClosingStore(IEtcdStore inner) : IEtcdStore, IDisposable
{
    private readonly CancellationTokenSource closing = new();

    public void CloseWatches() => closing.Cancel();

    public async Task<IEtcdWatch> WatchAsync(long watchId, WatchCreateRequest request, ChannelWriter<WatchResponse> output,
        CancellationToken cancellationToken = default)
    {
        // The datastore writes to a relay of ours; closing ends the relaying and completes the caller's output.
        var relay = Channel.CreateUnbounded<WatchResponse>(new UnboundedChannelOptions { SingleReader = true });
        var watch = await inner.WatchAsync(watchId, request, relay.Writer, cancellationToken);
        return new RelayedWatch(watch, relay, RelayAsync(relay.Reader, output));
    }

    private async Task RelayAsync(ChannelReader<WatchResponse> relay, ChannelWriter<WatchResponse> output)
    {
        try
        {
            await foreach (var response in relay.ReadAllAsync(closing.Token))
                await output.WriteAsync(response, closing.Token);
        }
        catch (OperationCanceledException) when (closing.IsCancellationRequested)
        {
            output.TryComplete();
        }
        catch (ChannelClosedException)
        {
            // The caller completed its output itself.
        }
    }

    private sealed class RelayedWatch(IEtcdWatch watch, Channel<WatchResponse> relay, Task relaying) : IEtcdWatch
    {
        public long WatchId => watch.WatchId;

        public long SyncedRevision => watch.SyncedRevision;

        public async ValueTask DisposeAsync()
        {
            await watch.DisposeAsync();
            relay.Writer.TryComplete();
            await relaying;
        }
    }

    public Task<RangeResponse> RangeAsync(RangeRequest request, CancellationToken cancellationToken = default) => inner.RangeAsync(request, cancellationToken);
    public Task<PutResponse> PutAsync(PutRequest request, CancellationToken cancellationToken = default) => inner.PutAsync(request, cancellationToken);
    public Task<DeleteRangeResponse> DeleteRangeAsync(DeleteRangeRequest request, CancellationToken cancellationToken = default) => inner.DeleteRangeAsync(request, cancellationToken);
    public Task<TxnResponse> TxnAsync(TxnRequest request, CancellationToken cancellationToken = default) => inner.TxnAsync(request, cancellationToken);
    public Task<CompactionResponse> CompactAsync(CompactionRequest request, CancellationToken cancellationToken = default) => inner.CompactAsync(request, cancellationToken);
    public long WatchedRevision => inner.WatchedRevision;
    public Task<LeaseGrantResponse> LeaseGrantAsync(LeaseGrantRequest request, CancellationToken cancellationToken = default) => inner.LeaseGrantAsync(request, cancellationToken);
    public Task<LeaseRevokeResponse> LeaseRevokeAsync(LeaseRevokeRequest request, CancellationToken cancellationToken = default) => inner.LeaseRevokeAsync(request, cancellationToken);
    public Task<LeaseKeepAliveResponse> LeaseKeepAliveAsync(LeaseKeepAliveRequest request, CancellationToken cancellationToken = default) => inner.LeaseKeepAliveAsync(request, cancellationToken);
    public Task<LeaseTimeToLiveResponse> LeaseTimeToLiveAsync(LeaseTimeToLiveRequest request, CancellationToken cancellationToken = default) => inner.LeaseTimeToLiveAsync(request, cancellationToken);
    public Task<LeaseLeasesResponse> LeaseLeasesAsync(LeaseLeasesRequest request, CancellationToken cancellationToken = default) => inner.LeaseLeasesAsync(request, cancellationToken);
    public Task<StatusResponse> StatusAsync(CancellationToken cancellationToken = default) => inner.StatusAsync(cancellationToken);

    public void Dispose() => closing.Dispose();
}
