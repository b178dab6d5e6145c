namespace K3s.Kine.Tests.Servers;

/// <summary>
/// The run's shared <see cref="PostgresServer"/>, for <c>[Collection(PostgresCollection.Name)]</c> test classes or as an
/// <c>IClassFixture&lt;PostgresFixture&gt;</c>; every instance leases the same server while one is running.
/// </summary>
public sealed class PostgresFixture : IAsyncLifetime
{
    private static readonly SharedServer<PostgresServer> Shared = new(() => PostgresServer.StartAsync());
    private PostgresServer? server;

    public PostgresServer Server => server ?? throw new InvalidOperationException("PostgresFixture is not initialized.");

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
