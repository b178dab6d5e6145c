using Grpc.Core;
using K3s.Core.Etcd;

namespace K3s.Kine.Server;

/// <summary>etcd's Lease service over the store; keep-alives are a stream of requests, each answered.</summary>
internal sealed class LeaseService(IEtcdStore store) : Lease.LeaseBase
{
    public override Task<LeaseGrantResponse> LeaseGrant(LeaseGrantRequest request, ServerCallContext context) =>
        store.LeaseGrantAsync(request, context.CancellationToken);

    public override Task<LeaseRevokeResponse> LeaseRevoke(LeaseRevokeRequest request, ServerCallContext context) =>
        store.LeaseRevokeAsync(request, context.CancellationToken);

    public override async Task LeaseKeepAlive(IAsyncStreamReader<LeaseKeepAliveRequest> requestStream,
        IServerStreamWriter<LeaseKeepAliveResponse> responseStream, ServerCallContext context)
    {
        await foreach (var request in requestStream.ReadAllAsync(context.CancellationToken))
            await responseStream.WriteAsync(await store.LeaseKeepAliveAsync(request, context.CancellationToken));
    }

    public override Task<LeaseTimeToLiveResponse> LeaseTimeToLive(LeaseTimeToLiveRequest request, ServerCallContext context) =>
        store.LeaseTimeToLiveAsync(request, context.CancellationToken);

    public override Task<LeaseLeasesResponse> LeaseLeases(LeaseLeasesRequest request, ServerCallContext context) =>
        store.LeaseLeasesAsync(request, context.CancellationToken);
}
