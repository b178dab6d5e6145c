using Grpc.Net.Client;
using K3s.Kine.Sql;

namespace K3s.Kine.Tests.EtcdApi;

public enum Flavor
{
    Etcd,
    Kine,
}

/// <summary>A server speaking etcd's v3 API that <see cref="EtcdApiSuite"/> runs against.</summary>
public interface IEtcdApiTarget
{
    Flavor Flavor { get; }

    /// <summary>The database under kine; null for etcd.</summary>
    DatabaseKind? Database { get; }

    /// <summary>The server every test of a class shares (each test keeps to its own key prefix).</summary>
    GrpcChannel Channel { get; }

    /// <summary>The address <see cref="Channel"/> connects to, <c>http://127.0.0.1:PORT</c>.</summary>
    string Address { get; }

    IReadOnlySet<KnownDifference> Differences { get; }

    /// <summary>What the servers logged (kine in process: warnings and errors); empty for etcd.</summary>
    List<string> DrainServerLog();

    /// <summary>
    /// A second server of the same kind that only the holder of the lease uses, for tests that compact:
    /// compaction is global, and would take history from the other tests of the shared server.
    /// </summary>
    Task<ExclusiveInstance> AcquireExclusiveAsync();
}

/// <summary>The exclusive server of a target, until disposed.</summary>
public sealed class ExclusiveInstance(GrpcChannel channel, string address, Action release) : IDisposable
{
    private Action? release = release;

    public GrpcChannel Channel { get; } = channel;

    public string Address { get; } = address;

    public void Dispose() => Interlocked.Exchange(ref release, null)?.Invoke();
}

/// <summary>
/// A class fixture starting a target's server once for the class, and its exclusive second server on first use.
/// </summary>
public abstract class EtcdApiTarget : IEtcdApiTarget, IAsyncLifetime
{
    /// <summary>How often kine's watches and etcd's (by flag) send progress notifications when idle.</summary>
    public static readonly TimeSpan ProgressNotifyInterval = TimeSpan.FromSeconds(1);

    private static readonly TimeSpan ExclusiveWait = TimeSpan.FromSeconds(60);

    private readonly SemaphoreSlim exclusive = new(1, 1);
    private Instance? main;
    private Instance? spare;

    public abstract Flavor Flavor { get; }

    public virtual DatabaseKind? Database => null;

    public abstract IReadOnlySet<KnownDifference> Differences { get; }

    public GrpcChannel Channel => Main.Channel;

    public string Address => Main.Address;

    private Instance Main => main ?? throw new InvalidOperationException($"{GetType().Name} is not initialized.");

    public async Task InitializeAsync() => main = await StartAsync("main");

    public async Task DisposeAsync()
    {
        try
        {
            if (spare is not null)
                await spare.Stop();
        }
        finally
        {
            try
            {
                if (main is not null)
                    await main.Stop();
            }
            finally
            {
                exclusive.Dispose();
                Stopped();
            }
        }
    }

    public async Task<ExclusiveInstance> AcquireExclusiveAsync()
    {
        if (!await exclusive.WaitAsync(ExclusiveWait))
            throw new TimeoutException($"the exclusive {GetType().Name} server stayed busy for {ExclusiveWait}");
        try
        {
            spare ??= await StartAsync("exclusive");
        }
        catch
        {
            exclusive.Release();
            throw;
        }

        return new ExclusiveInstance(spare.Channel, spare.Address, () => exclusive.Release());
    }

    public virtual List<string> DrainServerLog() => [];

    public override string ToString() => Database is { } database ? $"{Flavor} on {database}" : Flavor.ToString();

    /// <param name="name">Tells the target's servers apart (database or directory names).</param>
    protected abstract Task<Instance> StartAsync(string name);

    /// <summary>After both servers stopped: removes what they left.</summary>
    protected virtual void Stopped()
    {
    }

    /// <summary>HTTP/2 without TLS, and no proxy: an http_proxy in the environment must not catch 127.0.0.1.</summary>
    protected static GrpcChannel Connect(string address) => GrpcChannel.ForAddress(address, new GrpcChannelOptions
    {
        HttpHandler = new SocketsHttpHandler { UseProxy = false, EnableMultipleHttp2Connections = true },
        MaxReceiveMessageSize = null,
        MaxSendMessageSize = null,
    });

    protected sealed record Instance(GrpcChannel Channel, string Address, Func<ValueTask> Stop);
}
