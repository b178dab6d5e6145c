namespace K3s.Kine.Tests.Servers;

/// <summary>
/// The run's shared <see cref="EtcdServer"/>, for <c>[Collection(EtcdCollection.Name)]</c> test classes or as an
/// <c>IClassFixture&lt;EtcdFixture&gt;</c>; every instance leases the same server while one is running.
/// </summary>
public sealed class EtcdFixture : IAsyncLifetime
{
    private static readonly SharedServer<EtcdServer> Shared = new(() => EtcdServer.StartAsync());
    private EtcdServer? server;

    public EtcdServer Server => server ?? throw new InvalidOperationException("EtcdFixture is not initialized.");

    // Started here rather than in the constructor: xunit awaits this, and only for fixtures a selected test needs.
    public async Task InitializeAsync() => server = await Shared.AcquireAsync();

    public Task DisposeAsync()
    {
        if (server is not null)
        {
            server = null;
            Shared.Release();
        }

        return Task.CompletedTask;
    }
}
