using System.Diagnostics;
using System.Text.Json;

namespace K3s.Kine.Tests.Servers;

/// <summary>
/// A real single-member etcd 3.4 (Debian's etcd-server) on 127.0.0.1: the reference the datastore's etcd API
/// is compared against.
/// </summary>
public sealed class EtcdServer : IDisposable
{
    public const string Executable = "/usr/bin/etcd";
    private const string MemberName = "k3sps-test";

    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(60);

    // No proxy: an http_proxy in the environment must not catch requests to 127.0.0.1.
    private static readonly HttpClient Http = new(new SocketsHttpHandler { UseProxy = false })
    {
        Timeout = TimeSpan.FromSeconds(5),
    };

    private readonly ServerProcess process;

    private EtcdServer(ServerProcess process, int clientPort, int peerPort, TimeSpan startupTime)
    {
        this.process = process;
        ClientPort = clientPort;
        PeerPort = peerPort;
        StartupTime = startupTime;
    }

    /// <summary>The client URL, as etcd clients and <c>--datastore-endpoint</c> take it: <c>http://127.0.0.1:PORT</c>.</summary>
    public string Endpoint => $"http://127.0.0.1:{ClientPort}";

    public int ClientPort { get; }

    public int PeerPort { get; }

    public int ProcessId => process.Id;

    public string DataDirectory => Path.Combine(process.Directory, "data");

    public string Log => process.Log;

    /// <summary>From the first command to the first healthy answer.</summary>
    public TimeSpan StartupTime { get; }

    /// <param name="extraArguments">Appended to etcd's command line, e.g. <c>--experimental-watch-progress-notify-interval=1s</c>.</param>
    public static Task<EtcdServer> StartAsync(params string[] extraArguments) =>
        ServerProcess.RetryOnPortClashAsync(() => StartOnceAsync(extraArguments));

    public void Dispose() => process.Dispose();

    private static async Task<EtcdServer> StartOnceAsync(IReadOnlyList<string> extraArguments)
    {
        var clock = Stopwatch.StartNew();
        var ports = FreePort.Next(2);
        var (clientUrl, peerUrl) = ($"http://127.0.0.1:{ports[0]}", $"http://127.0.0.1:{ports[1]}");
        var process = new ServerProcess("etcd");
        try
        {
            // A single-member cluster of its own: no discovery, every URL on 127.0.0.1, its own data directory.
            process.Start(Executable,
            [
                "--name", MemberName,
                "--data-dir", Path.Combine(process.Directory, "data"),
                "--listen-client-urls", clientUrl,
                "--advertise-client-urls", clientUrl,
                "--listen-peer-urls", peerUrl,
                "--initial-advertise-peer-urls", peerUrl,
                "--initial-cluster", $"{MemberName}={peerUrl}",
                "--initial-cluster-state", "new",
                .. extraArguments,
            ]);
            await process.WaitUntilReadyAsync(cancellation => IsHealthyAsync(clientUrl, cancellation), ReadyTimeout);
            return new EtcdServer(process, ports[0], ports[1], clock.Elapsed);
        }
        catch
        {
            process.Dispose();
            throw;
        }
    }

    /// <summary>etcd answers /health on the client port only once it has a leader and can serve requests.</summary>
    private static async Task<bool> IsHealthyAsync(string clientUrl, CancellationToken cancellation)
    {
        using var response = await Http.GetAsync($"{clientUrl}/health", cancellation);
        if (!response.IsSuccessStatusCode)
        {
            return false;
        }

        using var health = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellation));
        return health.RootElement.TryGetProperty("health", out var value) && value.GetString() == "true";
    }
}
