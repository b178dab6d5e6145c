using K3s.Core.Etcd;
using K3s.Kine.Tests.Servers;

namespace K3s.ApiServer.Tests;

/// <summary>
/// The API server on a real etcd 3.4 of its own (127.0.0.1, free ports) through <see cref="EtcdClientStore"/>,
/// as <c>k3sps server --datastore-endpoint http://…</c> runs it; etcd is stopped by its PID afterwards.
/// </summary>
public sealed class EtcdApiServerFixture : ApiServerFixture
{
    private EtcdServer? etcd;

    protected override async Task<IEtcdStore> OpenDatastoreAsync(string dataDirectory)
    {
        etcd = await EtcdServer.StartAsync();
        return await EtcdClientStore.ConnectAsync(etcd.Endpoint);
    }

    protected override async Task CloseDatastoreAsync()
    {
        try
        {
            await base.CloseDatastoreAsync();
        }
        finally
        {
            etcd?.Dispose();
        }
    }
}
