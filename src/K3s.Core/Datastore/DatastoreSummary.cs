namespace K3s.Core.Datastore;

/// <summary>What a datastore holds and where its bytes go, as Get-K3sDatastore shows it.</summary>
public sealed class DatastoreSummary
{
    public required string Backend { get; init; }
    public required string Source { get; init; }
    /// <summary>The database file's size (SQLite), null through the API.</summary>
    public long? FileSize { get; init; }
    public long? WalSize { get; init; }
    public long CurrentRevision { get; init; }
    public long CompactRevision { get; init; }
    /// <summary>Stored revisions of keys (kine's own bookkeeping rows not counted).</summary>
    public long TotalRows { get; init; }
    public long LiveKeys { get; init; }
    /// <summary>Revisions that a later revision of the same key replaced: what compaction removes.</summary>
    public long SupersededRows { get; init; }
    public long Tombstones { get; init; }
    /// <summary>kine's rows that fill holes in the revision sequence (file only).</summary>
    public long? GapRows { get; init; }
    /// <summary>Bytes of all stored values (every revision kept).</summary>
    public long ValueBytes { get; init; }
    public IReadOnlyList<KeySize> BiggestKeys { get; init; } = [];
    public IReadOnlyList<PrefixSize> BiggestPrefixes { get; init; } = [];
}

/// <summary>A live key and the size of its current value.</summary>
public sealed record KeySize(string Key, long Size)
{
    public override string ToString() => $"{Key} ({Size} B)";
}

/// <summary>A key prefix and what its keys' stored revisions take.</summary>
public sealed record PrefixSize(string Prefix, long Rows, long Bytes)
{
    public override string ToString() => $"{Prefix} ({Rows} rows, {Bytes} B)";
}
