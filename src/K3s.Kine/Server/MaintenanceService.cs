using Grpc.Core;
using K3s.Core.Etcd;

namespace K3s.Kine.Server;

/// <summary>
/// etcd's Maintenance service: Status, and an always-empty alarm list (there is no space quota to
/// raise alarms). The rest (defragment, hash, snapshot, move leader) belongs to etcd's storage and
/// raft and is not offered, as in kine.
/// </summary>
internal sealed class MaintenanceService(IEtcdStore store) : Maintenance.MaintenanceBase
{
    public override Task<StatusResponse> Status(StatusRequest request, ServerCallContext context) =>
        store.StatusAsync(context.CancellationToken);

    public override async Task<AlarmResponse> Alarm(AlarmRequest request, ServerCallContext context)
    {
        var status = await store.StatusAsync(context.CancellationToken);
        return new AlarmResponse { Header = status.Header };
    }
}
