// Runs the etcd v3 workloads against real etcd 3.4 and against `k3sps datastore` on SQLite, one
// after the other in this run, and prints ops/s and latency percentiles side by side with the
// kine/etcd ratio. Usage: dotnet run -c Release --project bench/K3s.Kine.Bench [-- --scale N]
using System.Globalization;
using Grpc.Net.Client;
using K3s.Core.Etcd;
using K3s.Kine.Bench;
using K3s.Kine.Tests.Servers;

var scale = args.Length == 2 && args[0] == "--scale" ? int.Parse(args[1], CultureInfo.InvariantCulture) : 5;

var results = new List<Measurement>();
using (var etcd = await EtcdServer.StartAsync())
{
    Console.Error.WriteLine($"etcd 3.4 on {etcd.Endpoint}");
    results.AddRange(await RunAsync(etcd.Endpoint, "etcd"));
}
using (var directory = new TemporaryDirectory())
using (var kine = new ServerProcess("k3sps datastore"))
{
    var port = FreePort.Next();
    kine.Start(Path.Combine(AppContext.BaseDirectory, "k3sps"),
        ["datastore", "--endpoint", "sqlite://" + Path.Combine(directory.Path, "state.db"), "--listen-address", $"127.0.0.1:{port}"]);
    var endpoint = $"http://127.0.0.1:{port}";
    using (var probe = GrpcChannel.ForAddress(endpoint))
    {
        var maintenance = new Maintenance.MaintenanceClient(probe);
        await kine.WaitUntilReadyAsync(async token =>
        {
            await maintenance.StatusAsync(new StatusRequest(), cancellationToken: token);
            return true;
        }, TimeSpan.FromSeconds(30));
    }
    Console.Error.WriteLine($"k3sps datastore (SQLite) on {endpoint}");
    results.AddRange(await RunAsync(endpoint, "kine"));
}

Console.WriteLine($"K3s.Kine (SQLite) vs etcd 3.4, {DateTime.UtcNow:yyyy-MM-dd}, {Environment.ProcessorCount} cores, scale {scale}");
Console.WriteLine();
Console.WriteLine("| workload | etcd ops/s | etcd p50 ms | etcd p99 ms | kine ops/s | kine p50 ms | kine p99 ms | kine/etcd ops/s |");
Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|");
foreach (var workload in results.Select(r => r.Workload).Distinct())
{
    var etcdResult = results.Single(r => r.Workload == workload && r.Target == "etcd");
    var kineResult = results.Single(r => r.Workload == workload && r.Target == "kine");
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"| {workload} | {etcdResult.OperationsPerSecond:F0} | {etcdResult.Percentile(50):F2} | {etcdResult.Percentile(99):F2} | " +
        $"{kineResult.OperationsPerSecond:F0} | {kineResult.Percentile(50):F2} | {kineResult.Percentile(99):F2} | " +
        $"{kineResult.OperationsPerSecond / etcdResult.OperationsPerSecond:F2} |"));
}

async Task<List<Measurement>> RunAsync(string endpoint, string target)
{
    using var channel = GrpcChannel.ForAddress(endpoint);
    var measurements = new List<Measurement>();
    await foreach (var measurement in new Workloads(channel, target, scale).RunAllAsync())
    {
        Console.Error.WriteLine($"  {target}: {measurement.Workload}: {measurement.OperationsPerSecond:F0} ops/s");
        measurements.Add(measurement);
    }
    return measurements;
}
