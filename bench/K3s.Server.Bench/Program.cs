// Starts the published k3sps server (out/k3sps/k3sps by default) as a process and measures what
// issue 5 asks: start → ready on an empty datastore and on one with 10,000 objects, the idle
// resident memory of `k3sps server --disable-agent` after 60 s, and how fast the scheduler binds
// 1,000 pending pods over 10 nodes registered through the API. Figures are printed, never asserted.
// Usage: dotnet run -c Release --project bench/K3s.Server.Bench [-- --k3sps PATH] [--objects N] [--idle SECONDS]
using System.Diagnostics;
using System.Globalization;
using k8s;
using k8s.Models;
using K3s.Server.Bench;

var k3sps = Path.GetFullPath("out/k3sps/k3sps");
var objects = 10_000;
var idleSeconds = 60;
for (var a = 0; a + 1 < args.Length; a += 2)
{
    switch (args[a])
    {
        case "--k3sps": k3sps = Path.GetFullPath(args[a + 1]); break;
        case "--objects": objects = int.Parse(args[a + 1], CultureInfo.InvariantCulture); break;
        case "--idle": idleSeconds = int.Parse(args[a + 1], CultureInfo.InvariantCulture); break;
        default:
            Console.Error.WriteLine("usage: K3s.Server.Bench [--k3sps PATH] [--objects N] [--idle SECONDS]");
            return 2;
    }
}
if (!File.Exists(k3sps))
{
    Console.Error.WriteLine($"{k3sps} does not exist: build it first (dotnet pwsh ./build.ps1 Build)");
    return 2;
}

using var dataDir = new TemporaryDirectory();
long emptyReady, fullReady, idleRss, fullIdleRss;
double bindSeconds;
const int Pods = 1000, Nodes = 10;
using (var schedulingDir = new TemporaryDirectory())
using (var server = ServerProcess.Start(k3sps, schedulingDir.Path))
{
    await server.ReadyAsync();
    bindSeconds = await Scheduling.BindAllAsync(server.Kubeconfig, Nodes, Pods);
    Console.WriteLine($"scheduler: {Pods} pending pods over {Nodes} nodes bound {bindSeconds:F2} s after the nodes were uncordoned");
}
using (var server = ServerProcess.Start(k3sps, dataDir.Path))
{
    emptyReady = await server.ReadyAsync();
    Console.WriteLine($"empty datastore: ready {emptyReady} ms after the process started");
    await Task.Delay(TimeSpan.FromSeconds(idleSeconds));
    idleRss = server.ResidentBytes();
    Console.WriteLine($"empty datastore, idle after {idleSeconds} s: RSS {idleRss / 1024.0 / 1024.0:F1} MB");
    await FillAsync(server.Kubeconfig, objects);
    server.Stop();
}
using (var server = ServerProcess.Start(k3sps, dataDir.Path))
{
    fullReady = await server.ReadyAsync();
    Console.WriteLine($"{objects} objects: ready {fullReady} ms after the process started");
    await Task.Delay(TimeSpan.FromSeconds(idleSeconds));
    fullIdleRss = server.ResidentBytes();
    Console.WriteLine($"{objects} objects, idle after {idleSeconds} s: RSS {fullIdleRss / 1024.0 / 1024.0:F1} MB");
}

Console.WriteLine();
Console.WriteLine($"k3sps server --disable-agent, SQLite; {DateTime.UtcNow:yyyy-MM-dd}, {Environment.ProcessorCount} cores");
Console.WriteLine();
Console.WriteLine("| measure | figure | target |");
Console.WriteLine("|---|---:|---|");
Console.WriteLine($"| start → ready, empty datastore | {emptyReady} ms | under 2 s: {(emptyReady < 2000 ? "met" : "not met")} |");
Console.WriteLine($"| start → ready, {objects:N0} objects | {fullReady} ms | under 2 s: {(fullReady < 2000 ? "met" : "not met")} |");
Console.WriteLine($"| idle RSS after {idleSeconds} s, empty datastore | {idleRss / 1024.0 / 1024.0:F1} MB | under 150 MB: {(idleRss < 150L * 1024 * 1024 ? "met" : "not met")} |");
Console.WriteLine($"| idle RSS after {idleSeconds} s, {objects:N0} objects | {fullIdleRss / 1024.0 / 1024.0:F1} MB | |");
Console.WriteLine($"| {Pods:N0} pending pods over {Nodes} nodes bound | {bindSeconds:F2} s | under 5 s: {(bindSeconds < 5 ? "met" : "not met")} |");
return 0;

// Configmaps in 20 namespaces, 8 clients at once, so the restart has a real datastore to open.
static async Task FillAsync(string kubeconfig, int count)
{
    var clock = Stopwatch.StartNew();
    var clients = Enumerable.Range(0, 8).Select(_ => new Kubernetes(KubernetesClientConfiguration.BuildConfigFromConfigFile(kubeconfig))).ToList();
    for (var n = 0; n < 20; n++)
        await clients[0].CoreV1.CreateNamespaceAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = $"bench-{n}" } });
    var next = -1;
    await Task.WhenAll(clients.Select(async client =>
    {
        int i;
        while ((i = Interlocked.Increment(ref next)) < count)
        {
            await client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap
            {
                Metadata = new V1ObjectMeta { Name = $"cm-{i}" },
                Data = new Dictionary<string, string> { ["value"] = new string('x', 200) },
            }, $"bench-{i % 20}");
        }
    }));
    foreach (var client in clients)
        client.Dispose();
    Console.WriteLine($"stored {count} configmaps in {clock.Elapsed.TotalSeconds:F1} s");
}
