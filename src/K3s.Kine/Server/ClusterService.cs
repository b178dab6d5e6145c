using Grpc.Core;
using K3s.Core.Etcd;
using K3s.Kine.Store;

namespace K3s.Kine.Server;

/// <summary>etcd's Cluster service: one member, this server, at the address the client used.</summary>
internal sealed class ClusterService(IEtcdStore store) : Cluster.ClusterBase
{
    public override async Task<MemberListResponse> MemberList(MemberListRequest request, ServerCallContext context)
    {
        var status = await store.StatusAsync(context.CancellationToken);
        var url = $"{(context.GetHttpContext().Request.IsHttps ? "https" : "http")}://{context.Host}";
        var member = new Member { ID = Headers.MemberId, Name = "kine" };
        member.ClientURLs.Add(url);
        member.PeerURLs.Add(url);
        var response = new MemberListResponse { Header = status.Header };
        response.Members.Add(member);
        return response;
    }
}
