namespace K3s.Core.Datastore;

/// <summary>
/// A datastore read the same way whatever it is: a kine or etcd server through the etcd v3 API,
/// or a kine state.db file opened read-only. Both give the same rows for the same data.
/// </summary>
public interface IDatastoreReader : IAsyncDisposable
{
    /// <summary>What is read: "sqlite", or "etcd v3 API".</summary>
    string Backend { get; }

    /// <summary>The file's path or the endpoint.</summary>
    string Source { get; }

    /// <summary>The current revision and the compact revision (0 if never compacted).</summary>
    Task<(long Current, long Compact)> GetRevisionsAsync(CancellationToken cancellationToken);

    /// <summary>The keys as they were at a revision (0 for now), by key.</summary>
    IAsyncEnumerable<DatastoreRow> ListAsync(KeySelection keys, long revision, CancellationToken cancellationToken);

    /// <summary>Every revision still stored (not compacted away), oldest first.</summary>
    IAsyncEnumerable<DatastoreRow> HistoryAsync(KeySelection keys, CancellationToken cancellationToken);

    /// <summary>Changes from a revision on (0 for "from now"), as they happen, until cancelled.</summary>
    IAsyncEnumerable<DatastoreRow> WatchAsync(KeySelection keys, long fromRevision, CancellationToken cancellationToken);

    /// <summary>Facts only a file can tell (sizes, kine's gap rows); null for a server.</summary>
    Task<DatastoreFileFacts?> GetFileFactsAsync(CancellationToken cancellationToken);
}

/// <param name="GapRows">Rows kine wrote to fill holes in the revision sequence.</param>
public sealed record DatastoreFileFacts(long FileSize, long WalSize, long GapRows);
