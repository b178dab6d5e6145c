using K3s.Core.Etcd;
using K3s.Kine.Tests.Servers;

namespace K3s.Core.Tests.Etcd;

/// <summary>A real etcd on 127.0.0.1 for a test class, and an <see cref="EtcdClientStore"/> connected to it.</summary>
public sealed class EtcdClientFixture : IAsyncLifetime
{
    private EtcdServer? server;
    private EtcdClientStore? store;

    public EtcdServer Server => server!;

    public EtcdClientStore Store => store!;

    public async Task InitializeAsync()
    {
        server = await EtcdServer.StartAsync();
        store = await EtcdClientStore.ConnectAsync(server.Endpoint);
    }

    public async Task DisposeAsync()
    {
        if (store is not null)
            await store.DisposeAsync();
        server?.Dispose();
    }
}
