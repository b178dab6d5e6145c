using Grpc.Net.Client;
using K3s.Core.Etcd;
using K3s.Kine.Tests.Servers;

namespace K3s.Kine.Tests.Datastore;

/// <summary>
/// <c>k3sps datastore</c> run as its own process on a SQLite file, serving on a free 127.0.0.1 port;
/// ready once it answers Status. The database lives outside the process's directory, so a
/// restart (or a crash) keeps it.
/// </summary>
internal sealed class DatastoreProcess : IDisposable
{
    private readonly ServerProcess process = new("k3sps datastore");

    private DatastoreProcess(int port) => Port = port;

    public int Port { get; }

    public int Id => process.Id;

    /// <summary>host:port, as etcdctl takes it.</summary>
    public string Address => $"127.0.0.1:{Port}";

    public GrpcChannel Channel { get; private set; } = null!;

    /// <param name="socket">A unix socket to serve on as well as the TCP port (k3s's kine.sock).</param>
    public static Task<DatastoreProcess> StartAsync(string databasePath, string? socket = null) =>
        ServerProcess.RetryOnPortClashAsync(async () =>
        {
            var datastore = new DatastoreProcess(FreePort.Next());
            try
            {
                List<string> arguments = ["datastore", "--endpoint", "sqlite://" + databasePath, "--listen-address", datastore.Address];
                if (socket is not null)
                    arguments.AddRange(["--listen-address", "unix://" + socket]);
                datastore.process.Start(Path.Combine(AppContext.BaseDirectory, "k3sps"), arguments);
                datastore.Channel = GrpcChannel.ForAddress("http://" + datastore.Address);
                var maintenance = new Maintenance.MaintenanceClient(datastore.Channel);
                await datastore.process.WaitUntilReadyAsync(async token =>
                {
                    await maintenance.StatusAsync(new StatusRequest(), cancellationToken: token);
                    return true;
                }, TimeSpan.FromSeconds(30));
                return datastore;
            }
            catch
            {
                datastore.Dispose();
                throw;
            }
        });

    /// <summary>SIGKILL: no chance to flush or close anything.</summary>
    public void Kill()
    {
        using var running = System.Diagnostics.Process.GetProcessById(Id);
        running.Kill();
        running.WaitForExit();
    }

    public void Dispose()
    {
        Channel?.Dispose();
        process.Dispose();
    }
}
