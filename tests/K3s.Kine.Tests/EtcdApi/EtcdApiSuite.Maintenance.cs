using K3s.Core.Etcd;

namespace K3s.Kine.Tests.EtcdApi;

/// <summary>Maintenance Status and Cluster MemberList, as clients (the apiserver's health checks, etcdctl) read them.</summary>
public abstract partial class EtcdApiSuite
{
    [Fact]
    public async Task Status_ReportsVersionDbSizeAndLeader()
    {
        var put = await PutAsync(NewPrefix() + "k", "v");

        var status = await Maintenance.StatusAsync(new StatusRequest());

        Assert.False(string.IsNullOrEmpty(status.Version));
        Assert.True(status.DbSize > 0, $"db size {status.DbSize}");
        Assert.NotEqual(0UL, status.Leader);
        Assert.True(status.Header.Revision >= put.Header.Revision, $"status at {status.Header.Revision}, last put {put.Header.Revision}");
    }

    [Fact]
    public async Task MemberList_HasOneMemberWithTheClientUrl()
    {
        var members = await Cluster.MemberListAsync(new MemberListRequest());

        var member = Assert.Single(members.Members);
        Assert.Contains(target.Address, member.ClientURLs);
        Assert.False(string.IsNullOrEmpty(member.Name));
    }

    [Fact]
    public async Task Alarm_Get_ReportsNoAlarms()
    {
        var alarms = await Maintenance.AlarmAsync(new AlarmRequest { Action = AlarmRequest.Types.AlarmAction.Get });

        Assert.Empty(alarms.Alarms);
    }
}
