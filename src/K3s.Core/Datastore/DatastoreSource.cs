namespace K3s.Core.Datastore;

/// <summary>Where the datastore cmdlets read from: a data dir, a state.db file, or an endpoint.</summary>
public static class DatastoreSource
{
    public const string DefaultDataDir = "/var/lib/rancher/k3s";

    /// <summary>The etcd API of a running server (k3s's layout).</summary>
    public static string SocketOf(string dataDir) => Path.Combine(dataDir, "server", "kine.sock");

    public static string DatabaseOf(string dataDir) => Path.Combine(dataDir, "server", "db", "state.db");

    public static IDatastoreReader OpenPath(string path) => SqliteDatastoreReader.Open(path);

    public static IDatastoreReader OpenEndpoint(string endpoint) => EtcdDatastoreReader.Connect(endpoint);

    /// <summary>A data dir: its running server's socket if one answers there, else its state.db, read-only.</summary>
    public static IDatastoreReader OpenDataDir(string dataDir)
    {
        var socket = SocketOf(dataDir);
        if (EtcdChannel.Answers(socket))
            return EtcdDatastoreReader.Connect("unix://" + Path.GetFullPath(socket));
        var database = DatabaseOf(dataDir);
        if (File.Exists(database))
            return SqliteDatastoreReader.Open(database);
        throw new DatastoreAccessException(DatastoreAccessException.FileNotFound,
            $"{dataDir}: no server answers on {socket} and there is no {database}");
    }
}
