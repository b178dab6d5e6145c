namespace K3s.Kine;

/// <summary>Tunables of the datastore; the defaults are kine's and etcd's.</summary>
public sealed record KineOptions
{
    /// <summary>How often the log is read for writes made by other processes sharing the database.</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>How often watches that asked for it get a progress notification when idle (etcd: 10 minutes).</summary>
    public TimeSpan ProgressNotifyInterval { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>How often the log is compacted automatically (kine: 5 minutes); zero turns it off.</summary>
    public TimeSpan CompactInterval { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Revisions automatic compaction always keeps (kine: 1000).</summary>
    public long CompactMinRetain { get; init; } = 1000;

    /// <summary>Revisions compacted per database transaction, so writers are not held up (kine: 1000).</summary>
    public long CompactBatchSize { get; init; } = 1000;

    /// <summary>etcd's minimum lease TTL with its default election timeout.</summary>
    public long MinLeaseTtlSeconds { get; init; } = 2;

    /// <summary>How often expired leases are looked for.</summary>
    public TimeSpan LeaseCheckInterval { get; init; } = TimeSpan.FromMilliseconds(500);
}
