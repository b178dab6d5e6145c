namespace K3s.Core.Datastore;

/// <summary>What Optimize-K3sDatastore did: the compact revision it reached, and rows and bytes before and after.</summary>
public sealed class OptimizationReport
{
    public required string Backend { get; init; }
    public required string Source { get; init; }
    /// <summary>The state.db whose sizes are reported; null through a server whose file is not known.</summary>
    public string? DatabaseFile { get; init; }
    public long CurrentRevision { get; init; }
    public long CompactRevisionBefore { get; init; }
    /// <summary>The compact revision now: reads at older revisions fail with RevisionCompacted.</summary>
    public long CompactRevision { get; init; }
    /// <summary>Rows the compaction deleted, gap rows included; null through a server (etcd's Compact does not say).</summary>
    public long? RemovedRows { get; init; }
    /// <summary>True when the WAL was checkpointed and truncated; false when readers kept it from finishing; null without a file.</summary>
    public bool? Checkpointed { get; init; }
    public bool Vacuumed { get; init; }
    public long? FileSizeBefore { get; init; }
    public long? FileSizeAfter { get; init; }
    public long? WalSizeBefore { get; init; }
    public long? WalSizeAfter { get; init; }
    public long TotalRowsBefore { get; init; }
    public long TotalRowsAfter { get; init; }
    public long SupersededRowsBefore { get; init; }
    public long SupersededRowsAfter { get; init; }
    public long TombstonesBefore { get; init; }
    public long TombstonesAfter { get; init; }

    /// <summary>The file and its WAL together, before.</summary>
    public long? BytesBefore => FileSizeBefore + WalSizeBefore;

    public long? BytesAfter => FileSizeAfter + WalSizeAfter;

    public static OptimizationReport Create(CompactableDatastore datastore, DatastoreSummary before, (long? File, long? Wal) sizesBefore,
        DatastoreSummary after, (long? File, long? Wal) sizesAfter, long? removed, bool? checkpointed, bool vacuumed) => new()
    {
        Backend = datastore.Reader.Backend,
        Source = datastore.Source,
        DatabaseFile = datastore.DatabaseFile,
        CurrentRevision = after.CurrentRevision,
        CompactRevisionBefore = before.CompactRevision,
        CompactRevision = after.CompactRevision,
        RemovedRows = removed,
        Checkpointed = checkpointed,
        Vacuumed = vacuumed,
        FileSizeBefore = sizesBefore.File,
        FileSizeAfter = sizesAfter.File,
        WalSizeBefore = sizesBefore.Wal,
        WalSizeAfter = sizesAfter.Wal,
        TotalRowsBefore = before.TotalRows,
        TotalRowsAfter = after.TotalRows,
        SupersededRowsBefore = before.SupersededRows,
        SupersededRowsAfter = after.SupersededRows,
        TombstonesBefore = before.Tombstones,
        TombstonesAfter = after.Tombstones,
    };
}
