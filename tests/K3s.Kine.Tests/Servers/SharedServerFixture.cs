namespace K3s.Kine.Tests.Servers;

/// <summary>
/// A fixture that leases the run's shared server of a kind: for <c>[Collection(…)]</c> test classes or as an
/// <c>IClassFixture</c>; every instance leases the same server while one is running.
/// </summary>
public abstract class SharedServerFixture<TServer>(SharedServer<TServer> shared) : IAsyncLifetime where TServer : class, IDisposable
{
    private TServer? server;

    public TServer Server => server ?? throw new InvalidOperationException($"{GetType().Name} is not initialized.");

    // Started here rather than in the constructor: xunit awaits this, and only for fixtures a selected test needs.
    public async Task InitializeAsync() => server = await shared.AcquireAsync();

    public Task DisposeAsync()
    {
        if (server is not null)
        {
            server = null;
            shared.Release();
        }

        return Task.CompletedTask;
    }
}
