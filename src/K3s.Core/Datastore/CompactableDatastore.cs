
namespace K3s.Core.Datastore;

/// <summary>
/// A datastore that Optimize-K3sDatastore can compact: a kine state.db written directly, or a
/// server told through etcd's Compact. Planning only reads; nothing changes before
/// <see cref="CompactBatchAsync"/>, <see cref="CheckpointAsync"/> or <see cref="VacuumAsync"/>.
/// </summary>
public abstract class CompactableDatastore : IAsyncDisposable
{
    /// <summary>Error id: VACUUM was asked of a datastore a running server holds open.</summary>
    public const string VacuumNeedsStoppedServer = "VacuumNeedsStoppedServer";

    /// <summary>Error id: the datastore refused a change (read-only file, locked database, server error).</summary>
    public const string WriteFailed = "DatastoreWriteFailed";

    protected CompactableDatastore(IDatastoreReader reader) => Reader = reader;

    /// <summary>What the statistics before and after are read through.</summary>
    public IDatastoreReader Reader { get; }

    public string Source => Reader.Source;

    /// <summary>The SQLite file whose sizes are reported and whose WAL is checkpointed, when there is one.</summary>
    public abstract string? DatabaseFile { get; }

    /// <summary>Why VACUUM cannot run here (a server holds the database open); null when it can.</summary>
    public abstract string? VacuumRefusal { get; }

    /// <summary>
    /// Wraps an opened reader: a SQLite file is compacted directly; a server through etcd's Compact.
    /// <paramref name="serverDatabase"/> is the state.db of the server's data dir, if known, for its
    /// sizes and its WAL checkpoint. Takes ownership of the reader.
    /// </summary>
    public static CompactableDatastore For(IDatastoreReader reader, string? serverDatabase = null) => reader switch
    {
        SqliteDatastoreReader file => CompactableSqliteFile.Open(file),
        EtcdDatastoreReader server => new CompactableEtcdEndpoint(server, serverDatabase),
        _ => throw new ArgumentException($"cannot compact a {reader.Backend} datastore", nameof(reader)),
    };

    /// <summary>
    /// The plan for compacting up to <paramref name="revision"/> (0: the current revision minus
    /// kine's retained window). A revision after the current one is refused.
    /// </summary>
    public async Task<CompactionPlan> PlanAsync(long revision, CancellationToken cancellationToken)
    {
        var (current, compact) = await Reader.GetRevisionsAsync(cancellationToken);
        if (revision > current)
            throw new DatastoreAccessException(DatastoreAccessException.FutureRevision,
                $"revision {revision} is after the current revision {current} of {Source}");
        var target = revision > 0 ? revision : CompactionPlan.DefaultTarget(current);
        return await PlanAsync(current, compact, target, cancellationToken);
    }

    protected abstract Task<CompactionPlan> PlanAsync(long current, long compact, long target, CancellationToken cancellationToken);

    /// <summary>Compacts the revisions in (<paramref name="from"/>, <paramref name="to"/>]; the rows removed, when the store says.</summary>
    public abstract Task<long?> CompactBatchAsync(long from, long to, CancellationToken cancellationToken);

    /// <summary>Checkpoints the SQLite WAL into the database and truncates it; null when there is no file to do it on.</summary>
    public abstract Task<bool?> CheckpointAsync(CancellationToken cancellationToken);

    /// <summary>Rewrites the database file without its free pages; refused where <see cref="VacuumRefusal"/> says why.</summary>
    public abstract Task VacuumAsync(CancellationToken cancellationToken);

    /// <summary>The database file's and its WAL's sizes in bytes; nulls without a file.</summary>
    public (long? File, long? Wal) FileSizes()
    {
        if (DatabaseFile is null || !File.Exists(DatabaseFile))
            return (null, null);
        var wal = new FileInfo(DatabaseFile + "-wal");
        return (new FileInfo(DatabaseFile).Length, wal.Exists ? wal.Length : 0);
    }

    /// <summary>
    /// The running server of a state.db laid out as k3s lays it out (<c>DATA-DIR/server/db/state.db</c>,
    /// served on <c>DATA-DIR/server/kine.sock</c>), if one answers there.
    /// </summary>
    public static string? ServingSocketOf(string databaseFile)
    {
        var db = Path.GetDirectoryName(Path.GetFullPath(databaseFile));
        var server = db is null ? null : Path.GetDirectoryName(db);
        if (server is null || Path.GetFileName(db) != "db")
            return null;
        var socket = Path.Combine(server, "kine.sock");
        return EtcdChannel.Answers(socket) ? socket : null;
    }

    public virtual ValueTask DisposeAsync()
    {
        GC.SuppressFinalize(this);
        return Reader.DisposeAsync();
    }
}
