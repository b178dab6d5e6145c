using K3s.Core.Etcd;
using K3s.Kine;
using K3s.Kine.Server;
using K3s.Kine.Sql;
using Microsoft.Extensions.Logging;

namespace K3s.Service.Roles;

/// <summary>
/// What <c>k3sps server</c> stores in, chosen by <c>--datastore-endpoint</c> as k3s chooses: etcd URLs give an
/// etcd client, and no kine at all; anything else opens kine in process and serves it as etcd on
/// <c>server/kine.sock</c>. The API server sees only the <see cref="IEtcdStore"/>.
/// </summary>
internal sealed class ServerDatastore : IAsyncDisposable
{
    // Disposed last to first: kine's socket goes before the store it serves.
    private readonly IAsyncDisposable[] parts;

    private ServerDatastore(IEtcdStore store, string endpoint, string description, params IAsyncDisposable[] parts)
    {
        Store = store;
        Endpoint = endpoint;
        Description = description;
        this.parts = parts;
    }

    public IEtcdStore Store { get; }

    /// <summary>The endpoint without credentials, for the management API.</summary>
    public string Endpoint { get; }

    /// <summary>Where the data is, for the log: the database and kine's socket, or the etcd in use.</summary>
    public string Description { get; }

    public static async Task<ServerDatastore> OpenAsync(string endpoint, string dataDir, ILoggerFactory loggers,
        CancellationToken cancellationToken)
    {
        if (EtcdEndpoints.Names(endpoint))
        {
            var etcd = await EtcdClientStore.ConnectAsync(endpoint, cancellationToken);
            return new ServerDatastore(etcd, etcd.Endpoint.ToString(), $"etcd at {etcd.Endpoint}", etcd);
        }
        var database = DatastoreEndpoint.Parse(endpoint, dataDir);
        var kine = await KineStore.OpenAsync(database, loggers: loggers, cancellationToken: cancellationToken);
        try
        {
            var socket = "unix://" + Path.Combine(dataDir, "server", "kine.sock");
            var server = await DatastoreServer.StartAsync(kine, [socket], loggers, cancellationToken);
            return new ServerDatastore(kine, database.ToString(), $"datastore {database}, etcd API on {string.Join(", ", server.Addresses)}", kine, server);
        }
        catch
        {
            await kine.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        for (var i = parts.Length - 1; i >= 0; i--)
            await parts[i].DisposeAsync();
    }
}
