// Starts K3s.Kine on SQLite in a temporary directory and the API server on 127.0.0.1 in this
// process, drives them with KubernetesClient over HTTPS, and prints ops/s and latency percentiles,
// beside the same etcd operations made directly on the datastore. Exits non-zero if a watcher
// missed an event. Usage: dotnet run -c Release --project bench/K3s.ApiServer.Bench [-- --scale X | --quick]
using System.Globalization;
using System.Net;
using Google.Protobuf;
using K3s.ApiServer;
using K3s.ApiServer.Bench;
using K3s.Core.Datastore;
using K3s.Core.Etcd;
using K3s.Core.Tls;
using K3s.Kine;
using K3s.Kine.Sql;
using k8s;

var scale = 1.0;
var watcherCount = 50;
for (var a = 0; a < args.Length; a++)
{
    switch (args[a])
    {
        case "--scale" when a + 1 < args.Length && double.TryParse(args[a + 1], CultureInfo.InvariantCulture, out var parsed) && parsed > 0:
            scale = parsed;
            a++;
            break;
        case "--quick":
            scale = 0.05;
            watcherCount = 10;
            break;
        default:
            Console.Error.WriteLine("usage: K3s.ApiServer.Bench [--scale X] [--quick]");
            return 2;
    }
}
const int Clients = 8;
var objects = Math.Max(Clients, (int)Math.Round(2000 * scale));
var listRepeats = Math.Max(2, (int)Math.Round(20 * scale));
var pageLimit = Math.Max(1, objects / 4);
var watchWrites = Math.Max(10, (int)Math.Round(500 * scale));

// Other work on the machine moves these figures a lot: the load average is printed with them.
static string LoadAverage() => File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";
var loadBefore = LoadAverage();

using var dataDir = new TemporaryDirectory();
await using var store = await KineStore.OpenAsync(DatastoreEndpoint.Parse(null, dataDir.Path));
using var certificates = ClusterCertificates.Ensure(dataDir.Path, ["127.0.0.1", "localhost"]);
await using var host = await ApiServerHost.StartAsync(store, new ApiServerOptions(new IPEndPoint(IPAddress.Loopback, 0), certificates));
var kubeconfig = Path.Combine(dataDir.Path, "kubeconfig.yaml");
Kubeconfig.Write(kubeconfig, Kubeconfig.Render(host.Address.ToString().TrimEnd('/'), certificates.ServerCa.CertificatePem, certificates.Admin), "0600");
Console.Error.WriteLine($"API server on {host.Address}, K3s.Kine on SQLite ({SqliteLibrary.Name}) in a temporary directory");

using var api = new ApiWorkloads(KubernetesClientConfiguration.BuildConfigFromConfigFile(kubeconfig), Clients);
await api.PrepareAsync();

var rows = new List<(string Workload, Measurement Api, Measurement Datastore)>();
void Report(string what, Measurement measurement) =>
    Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"  {what}: {measurement.Count} in {measurement.Elapsed.TotalSeconds:F2} s, {measurement.OperationsPerSecond:F0}/s, p50 {measurement.Percentile(50):F2} ms, p99 {measurement.Percentile(99):F2} ms"));

// The value the API server stores for a configmap, for the direct workloads to write values of
// that size: one create, in the warm-up namespace, read back from the datastore.
var stored = await store.RangeAsync(new RangeRequest
{
    Key = ByteString.CopyFromUtf8($"/registry/configmaps/{api.Namespace}-warm/"),
    RangeEnd = ByteString.CopyFromUtf8($"/registry/configmaps/{api.Namespace}-warm0"),
    Limit = 1,
});
var value = stored.Kvs[0].Value;
Console.Error.WriteLine($"Each workload through the API server, then the same etcd operations directly on the datastore (values of {value.Length} bytes):");
var raw = new DatastoreWorkloads(store, value, Clients);

async Task<Measurement> PairAsync(string workload, Func<Task<Measurement>> throughApi, Func<Task<Measurement>> direct)
{
    var a = await throughApi();
    Report(workload + ", API", a);
    var d = await direct();
    Report(workload + ", datastore", d);
    rows.Add((workload, a, d));
    return a;
}

var creates = await PairAsync($"create configmap, {Clients} clients", () => api.CreateAsync(objects), () => raw.CreateAsync(objects));
var gets = await PairAsync($"get configmap, {Clients} clients", () => api.GetAsync(objects, objects), () => raw.GetAsync(objects, objects));
var list = await PairAsync($"list {objects}, one page", () => api.ListAsync(objects, listRepeats), () => raw.ListAsync(objects, listRepeats));
await PairAsync($"list {objects}, pages of {pageLimit} (per full list)", () => api.PagedListAsync(objects, pageLimit, listRepeats),
    () => raw.PagedListAsync(objects, pageLimit, listRepeats));
var fanOut = await api.WatchFanOutAsync(watcherCount, watchWrites);
Report("watch fan-out, API", fanOut.Delays);
var rawFanOut = await raw.WatchFanOutAsync(watcherCount, watchWrites);
Report("watch fan-out, datastore", rawFanOut.Delays);
rows.Add(($"watch: {watcherCount} watchers × {watchWrites} creates (events; write→event)", fanOut.Delays, rawFanOut.Delays));

var protocols = string.Join(", ", api.Protocols.OrderByDescending(p => p.Value).Select(p => $"{p.Key} ×{p.Value}"));
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"K3s.ApiServer on K3s.Kine (SQLite), in process, KubernetesClient over HTTPS ({protocols}); {DateTime.UtcNow:yyyy-MM-dd}, {Environment.ProcessorCount} cores, scale {scale}; " +
    $"load average {loadBefore} before, {LoadAverage()} after"));
Console.WriteLine();
Console.WriteLine("| workload | count | ops/s | p50 ms | p99 ms | datastore ops/s | datastore p50 ms | datastore p99 ms | API/datastore ops/s |");
Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
foreach (var (workload, a, d) in rows)
{
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"| {workload} | {a.Count} | {a.OperationsPerSecond:F0} | {a.Percentile(50):F2} | {a.Percentile(99):F2} | " +
        $"{d.OperationsPerSecond:F0} | {d.Percentile(50):F2} | {d.Percentile(99):F2} | {a.OperationsPerSecond / d.OperationsPerSecond:F2} |"));
}
Console.WriteLine();

string Verdict(bool met, string figure) => (met ? "met" : "NOT met") + " (" + figure + ")";
string Ms(double ms) => ms.ToString("F2", CultureInfo.InvariantCulture) + " ms";
var everyEvent = fanOut.Problems.Count == 0
    ? $"all {fanOut.Watchers} watchers saw all {fanOut.Writes} events"
    : $"{fanOut.Problems.Count} problems";
Console.WriteLine($"Targets: create p99 < 10 ms: {Verdict(creates.Percentile(99) < 10, Ms(creates.Percentile(99)))}; " +
    $"get p99 < 10 ms: {Verdict(gets.Percentile(99) < 10, Ms(gets.Percentile(99)))}; " +
    $"list of {objects} in one page < 100 ms (p99): {Verdict(list.Percentile(99) < 100, Ms(list.Percentile(99)))}; " +
    $"every watcher sees every event: {Verdict(fanOut.Problems.Count == 0, everyEvent)}.");

var exitCode = 0;
foreach (var (target, result) in new[] { ("API server", fanOut), ("datastore", rawFanOut) })
{
    if (result.Problems.Count == 0)
    {
        Console.WriteLine($"{target}: all {result.Watchers} watchers saw all {result.Writes} events");
        continue;
    }
    exitCode = 1;
    Console.WriteLine($"{target}: watchers missed events or saw them wrong:");
    foreach (var problem in result.Problems.Take(20))
        Console.WriteLine("  " + problem);
}
return exitCode;
