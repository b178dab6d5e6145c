namespace K3s.Kine.Tests.Servers;

/// <summary>
/// One running server of a kind for every fixture that asks for it, so a test run pays for start-up once:
/// the first lease starts it, the last release stops it.
/// </summary>
/// <remarks>
/// Collection fixtures hold their lease for the whole collection. A class fixture whose class runs while no other
/// lease is held starts a server of its own, since nothing else would ever stop it.
/// </remarks>
public sealed class SharedServer<TServer>(Func<Task<TServer>> start) where TServer : IDisposable
{
    private readonly Lock gate = new();
    private Task<TServer>? server;
    private int leases;

    public async Task<TServer> AcquireAsync()
    {
        Task<TServer> starting;
        lock (gate)
        {
            leases++;
            // Task.Run: the start's synchronous part (process start-up) must not run under the lock.
            starting = server ??= Task.Run(start);
        }

        try
        {
            return await starting;
        }
        catch
        {
            // A failed start is forgotten with its last lease, so a later fixture tries again.
            Release();
            throw;
        }
    }

    public void Release()
    {
        Task<TServer>? stopping = null;
        lock (gate)
        {
            if (--leases == 0)
            {
                (stopping, server) = (server, null);
            }
        }

        if (stopping is { IsCompletedSuccessfully: true })
        {
            stopping.Result.Dispose();
        }
    }
}
