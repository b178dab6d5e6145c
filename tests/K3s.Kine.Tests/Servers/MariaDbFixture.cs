namespace K3s.Kine.Tests.Servers;

/// <summary>
/// The run's shared <see cref="MariaDbServer"/>, for <c>[Collection(MariaDbCollection.Name)]</c> test classes or as an
/// <c>IClassFixture&lt;MariaDbFixture&gt;</c>; every instance leases the same server while one is running.
/// </summary>
public sealed class MariaDbFixture : IAsyncLifetime
{
    private static readonly SharedServer<MariaDbServer> Shared = new(() => MariaDbServer.StartAsync());
    private MariaDbServer? server;

    public MariaDbServer Server => server ?? throw new InvalidOperationException("MariaDbFixture is not initialized.");

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
