
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
        if (EtcdChannel.Answers(socket))
            return new BackupSource(BackupKind.Dump, "unix://" + socket);
        throw new DatastoreAccessException(DatastoreAccessException.FileNotFound,
            $"{dataDir}: there is no {database}, and no server answers on {socket}");
    }

    public override string ToString() => Kind == BackupKind.Sqlite ? $"{Location} (SQLite online copy)" : $"{Location} (logical dump)";
}
