using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using k8s;
using k8s.Models;

namespace K3s.ApiServer.Bench;

/// <summary>
/// The workloads through KubernetesClient over HTTPS, each client its own Kubernetes instance (its
/// own connection), as separate controllers and kubectl processes would be.
/// </summary>
internal sealed class ApiWorkloads : IDisposable
{
    private static readonly string Payload = new('x', 256);

    private readonly KubernetesClientConfiguration config;
    private readonly List<Kubernetes> made = [];
    private readonly Kubernetes[] clients;

    public ApiWorkloads(KubernetesClientConfiguration config, int clientCount)
    {
        this.config = config;
        clients = Enumerable.Range(0, clientCount).Select(_ => NewClient()).ToArray();
    }

    /// <summary>The namespace the configmaps are created in.</summary>
    public string Namespace { get; } = "bench-" + Guid.NewGuid().ToString("N")[..8];

    /// <summary>The HTTP versions responses came back with, and how many of each.</summary>
    public ConcurrentDictionary<string, int> Protocols { get; } = new();

    public static string Name(int i) => $"cm-{i:D5}";

    /// <summary>A small configmap (a label and about 270 bytes of data).</summary>
    public static V1ConfigMap ConfigMap(string name, int i) => new()
    {
        Metadata = new V1ObjectMeta { Name = name, Labels = new Dictionary<string, string> { ["app"] = "apibench" } },
        Data = new Dictionary<string, string> { ["index"] = i.ToString(CultureInfo.InvariantCulture), ["payload"] = Payload },
    };

    /// <summary>
    /// Creates the namespace, and warms every client's connection and the server's paths in another one (not
    /// measured): enough requests for the runtime to recompile the hot paths optimized (tiered compilation
    /// does so in the background after 30 calls), then a pause for that to finish, so the figures are a
    /// running server's and not its first seconds'.
    /// </summary>
    public async Task PrepareAsync()
    {
        var warm = Namespace + "-warm";
        await clients[0].CoreV1.CreateNamespaceAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = Namespace } });
        await clients[0].CoreV1.CreateNamespaceAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = warm } });
        await Task.WhenAll(clients.Select((client, w) => Task.Run(async () =>
        {
            for (var i = 0; i < WarmUpRequests; i++)
            {
                var name = $"warm-{w}-{i}";
                await client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap(name, i), warm);
                await client.CoreV1.ReadNamespacedConfigMapAsync(name, warm);
            }
            await client.CoreV1.ListNamespacedConfigMapAsync(warm, limit: 50);
        })));
        await Task.Delay(TimeSpan.FromSeconds(1));
    }

    private const int WarmUpRequests = 100;

    public Task<Measurement> CreateAsync(int count) =>
        Measurement.RunAsync("create", clients.Length, count, (w, i) => clients[w].CoreV1.CreateNamespacedConfigMapAsync(ConfigMap(Name(i), i), Namespace));

    public Task<Measurement> GetAsync(int existing, int count) =>
        Measurement.RunAsync("get", clients.Length, count, async (w, i) =>
        {
            var found = await clients[w].CoreV1.ReadNamespacedConfigMapAsync(Name(i % existing), Namespace);
            if (found.Metadata.Name != Name(i % existing))
                throw new InvalidOperationException($"asked for {Name(i % existing)}, got {found.Metadata.Name}");
        });

    public Task<Measurement> ListAsync(int expected, int repeats) =>
        Measurement.RunAsync("list", 1, repeats, async (_, _) =>
        {
            var list = await clients[0].CoreV1.ListNamespacedConfigMapAsync(Namespace);
            Expect(list.Items.Count, expected, "a list");
        });

    /// <summary>One operation is a full list: every page, each read on from the last one's continue token.</summary>
    public Task<Measurement> PagedListAsync(int expected, int limit, int repeats) =>
        Measurement.RunAsync("paged list", 1, repeats, async (_, _) =>
        {
            string? token = null;
            var total = 0;
            do
            {
                var page = await clients[0].CoreV1.ListNamespacedConfigMapAsync(Namespace, limit: limit, continueParameter: token);
                total += page.Items.Count;
                if (page.Items.Count > limit)
                    throw new InvalidOperationException($"a page of limit {limit} held {page.Items.Count} items");
                token = page.Metadata.ContinueProperty;
            }
            while (!string.IsNullOrEmpty(token));
            Expect(total, expected, "a paged list");
        });

    /// <summary>
    /// Watchers (each its own client) watch an empty namespace from the list's resourceVersion, as
    /// informers do; a sentinel create that every one of them must see confirms they are watching.
    /// Then the writers create <paramref name="writes"/> configmaps there.
    /// </summary>
    public async Task<FanOut> WatchFanOutAsync(int watcherCount, int writes)
    {
        var ns = Namespace + "-watch";
        await clients[0].CoreV1.CreateNamespaceAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = ns } });
        var version = (await clients[0].CoreV1.ListNamespacedConfigMapAsync(ns)).Metadata.ResourceVersion;
        using var stop = new CancellationTokenSource();
        var logs = Enumerable.Range(0, watcherCount).Select(_ => new WatcherLog()).ToList();
        var watching = logs.Select(log => Task.Run(() => WatchAsync(NewClient(), ns, version, log, stop.Token))).ToList();

        await clients[0].CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("sentinel", -1), ns);
        var established = Stopwatch.StartNew();
        while (!logs.All(log => log.Saw("sentinel")) && established.Elapsed < TimeSpan.FromSeconds(60))
            await Task.Delay(10);
        var notWatching = logs.Count(log => !log.Saw("sentinel"));
        Console.Error.WriteLine($"  {watcherCount - notWatching} of {watcherCount} watchers established in {established.ElapsedMilliseconds} ms");

        var names = Enumerable.Range(0, writes).Select(i => $"w-{i:D5}").ToArray();
        var starts = new long[writes];
        await Measurement.RunAsync("watched create", clients.Length, writes, (w, i) =>
        {
            starts[i] = Stopwatch.GetTimestamp();
            return clients[w].CoreV1.CreateNamespacedConfigMapAsync(ConfigMap(names[i], i), ns);
        });
        await WatcherLog.WaitForAsync(logs, writes + 1, TimeSpan.FromSeconds(10));
        await stop.CancelAsync();
        await Task.WhenAll(watching);

        var result = WatcherLog.Analyze("watch fan-out", logs, names, starts);
        return notWatching == 0 ? result : result with { Problems = [$"{notWatching} watchers never saw the sentinel within 60 s", .. result.Problems] };
    }

    private static async Task WatchAsync(Kubernetes client, string ns, string version, WatcherLog log, CancellationToken stop)
    {
        try
        {
            await foreach (var (type, item) in client.CoreV1.WatchListNamespacedConfigMapAsync(ns, resourceVersion: version,
                onError: e => log.Odd($"watch error: {e.GetType().Name}: {e.Message}"), cancellationToken: stop))
            {
                if (type == WatchEventType.Added)
                    log.Added(item.Metadata.Name, long.Parse(item.Metadata.ResourceVersion, CultureInfo.InvariantCulture));
                else
                    log.Odd($"unexpected {type} event for {item?.Metadata?.Name}");
            }
            if (!stop.IsCancellationRequested)
                log.Odd("the watch ended before the benchmark stopped it");
        }
        catch (Exception) when (stop.IsCancellationRequested)
        {
            // Stopped by the benchmark.
        }
        catch (Exception e)
        {
            log.Odd($"the watch failed: {e.GetType().Name}: {e.Message}");
        }
    }

    private Kubernetes NewClient()
    {
        var client = new Kubernetes(config, new ProtocolRecorder(Protocols));
        lock (made)
            made.Add(client);
        return client;
    }

    private static void Expect(int actual, int expected, string what)
    {
        if (actual != expected)
            throw new InvalidOperationException($"{what} returned {actual} configmaps, not {expected}");
    }

    public void Dispose()
    {
        foreach (var client in made)
            client.Dispose();
    }

    /// <summary>Counts the HTTP version of each response, to show what the client negotiated.</summary>
    private sealed class ProtocolRecorder(ConcurrentDictionary<string, int> protocols) : DelegatingHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var response = await base.SendAsync(request, cancellationToken);
            protocols.AddOrUpdate($"HTTP/{response.Version}", 1, (_, n) => n + 1);
            return response;
        }
    }
}
