using System.Net.Sockets;

namespace K3s.Core.Datastore;

/// <summary>
/// What Backup-K3sDatastore copies and how: a state.db gets a SQLite online copy, an endpoint a
/// logical dump. A data dir means its state.db when there is one (its server, if running, runs on
/// SQLite), else the etcd API of its running server (on PostgreSQL, MySQL or etcd).
/// </summary>
/// <param name="Location">The state.db's full path, or the endpoint.</param>
public sealed record BackupSource(BackupKind Kind, string Location)
{
    public static BackupSource FromDatabase(string path)
    {
        path = Path.GetFullPath(path);
        if (!File.Exists(path))
            throw new DatastoreAccessException(DatastoreAccessException.FileNotFound, $"{path}: no such file");
        return new BackupSource(BackupKind.Sqlite, path);
    }

    public static BackupSource FromEndpoint(string endpoint) => new(BackupKind.Dump, endpoint);

    public static BackupSource FromDataDir(string dataDir)
    {
        dataDir = Path.GetFullPath(dataDir);
        var database = DatastoreSource.DatabaseOf(dataDir);
        if (File.Exists(database))
            return new BackupSource(BackupKind.Sqlite, database);
        var socket = DatastoreSource.SocketOf(dataDir);
        if (ServerAnswers(socket))
            return new BackupSource(BackupKind.Dump, "unix://" + socket);
        throw new DatastoreAccessException(DatastoreAccessException.FileNotFound,
            $"{dataDir}: there is no {database}, and no server answers on {socket}");
    }

    /// <summary>Whether a server accepts connections on a unix socket (a stopped one can leave the file behind).</summary>
    public static bool ServerAnswers(string socketPath)
    {
        if (!File.Exists(socketPath))
            return false;
        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            socket.Connect(new UnixDomainSocketEndPoint(socketPath));
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    public override string ToString() => Kind == BackupKind.Sqlite ? $"{Location} (SQLite online copy)" : $"{Location} (logical dump)";
}
