using System.Globalization;
using System.Text;

namespace K3s.Core.Datastore;

/// <summary>
/// What compacting a datastore up to <see cref="TargetRevision"/> would remove, worked out before
/// anything changes: kine's rule removes every row that a later row of the same key at or below the
/// target replaced, and every tombstone and gap row at or below it.
/// </summary>
public sealed record CompactionPlan
{
    /// <summary>kine's automatic compaction keeps this many revisions behind the current one.</summary>
    public const long RetainedRevisions = 1000;

    /// <summary>Revisions compacted per transaction (kine's batch).</summary>
    public const long BatchRevisions = 1000;

    /// <summary>A row's integers, record headers and index entries without the key (kine's schema, measured).</summary>
    public const long RowOverheadBytes = 64;

    public required string Source { get; init; }
    public long CurrentRevision { get; init; }
    /// <summary>The compact revision now.</summary>
    public long CompactRevision { get; init; }
    /// <summary>The compact revision asked for (the default: current minus <see cref="RetainedRevisions"/>).</summary>
    public long TargetRevision { get; init; }
    /// <summary>Rows of values that a later revision of the same key replaced.</summary>
    public long SupersededRows { get; init; }
    /// <summary>Deletes (kine keeps each as a row holding the value it removed).</summary>
    public long Tombstones { get; init; }
    /// <summary>kine's rows that fill holes in the revision sequence; only a file shows them.</summary>
    public long GapRows { get; init; }
    /// <summary>About how many bytes those rows take in the database (see <see cref="StoredBytes"/>); the file shrinks by about this much after VACUUM.</summary>
    public long EstimatedBytes { get; init; }

    public long Rows => SupersededRows + Tombstones + GapRows;

    /// <summary>The target is at or below the compact revision: compaction has nothing to do.</summary>
    public bool IsNothingToDo => TargetRevision <= CompactRevision;

    /// <summary>The default target: the current revision minus the revisions kine retains.</summary>
    public static long DefaultTarget(long current) => Math.Max(0, current - RetainedRevisions);

    /// <summary>The batches (exclusive start, inclusive end) from the compact revision up to the target.</summary>
    public IEnumerable<(long From, long To)> Batches()
    {
        for (var from = CompactRevision; from < TargetRevision; from += BatchRevisions)
            yield return (from, Math.Min(TargetRevision, from + BatchRevisions));
    }

    public string NothingToDoReason =>
        string.Create(CultureInfo.InvariantCulture,
            $"{Source} is already compacted to revision {CompactRevision}, at or past the target revision {TargetRevision} " +
            $"(current revision {CurrentRevision}); there is nothing to compact.");

    public string Describe() =>
        IsNothingToDo
            ? NothingToDoReason
            : string.Create(CultureInfo.InvariantCulture,
                $"compacting {Source} from revision {CompactRevision} to revision {TargetRevision} (current {CurrentRevision}) " +
                $"removes {Rows} rows ({SupersededRows} superseded rows, {Tombstones} tombstones, {GapRows} gap rows; " +
                $"about {FormatBytes(EstimatedBytes)} of the database)");

    /// <summary>
    /// About what kine rows take in SQLite: their values and previous values, their keys in the table
    /// and in the three indexes on the name, and the integers of the rows and of the other two indexes.
    /// </summary>
    public static long StoredBytes(long rows, long keyBytes, long valueBytes) =>
        4 * keyBytes + valueBytes + rows * RowOverheadBytes;

    /// <summary>
    /// The plan from a store's history (all a server's API shows): a row goes if a later row of its
    /// key is at or below the target, or if it is a tombstone at or below it. kine stores an update's
    /// or a delete's previous value in the row too.
    /// </summary>
    public static async Task<CompactionPlan> FromHistoryAsync(IDatastoreReader reader, long current, long compact, long target,
        CancellationToken cancellationToken)
    {
        var last = new Dictionary<string, (DatastoreRow Row, long Bytes)>(StringComparer.Ordinal);
        long superseded = 0, tombstones = 0, bytes = 0;
        if (target > compact)
        {
            await foreach (var row in reader.HistoryAsync(KeySelection.All, cancellationToken))
            {
                if (row.Revision > target)
                    break; // history comes oldest first: nothing later is removed or removes anything
                var hasPrevious = last.TryGetValue(row.Key, out var previous);
                if (hasPrevious && previous.Row.Operation != DatastoreOperation.Delete)
                {
                    superseded++;
                    bytes += previous.Bytes;
                }
                var rowBytes = StoredBytes(1, Encoding.UTF8.GetByteCount(row.Key),
                    row.Size + (hasPrevious && row.Operation != DatastoreOperation.Create ? previous.Row.Size : 0));
                if (row.Operation == DatastoreOperation.Delete)
                {
                    tombstones++;
                    bytes += rowBytes;
                }
                last[row.Key] = (row, rowBytes);
            }
        }
        return new CompactionPlan
        {
            Source = reader.Source,
            CurrentRevision = current,
            CompactRevision = compact,
            TargetRevision = target,
            SupersededRows = superseded,
            Tombstones = tombstones,
            EstimatedBytes = bytes,
        };
    }

    public static string FormatBytes(long bytes) => bytes switch
    {
        >= 1L << 30 => string.Create(CultureInfo.InvariantCulture, $"{bytes / (double)(1L << 30):0.#} GB"),
        >= 1L << 20 => string.Create(CultureInfo.InvariantCulture, $"{bytes / (double)(1L << 20):0.#} MB"),
        >= 1L << 10 => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1024.0:0.#} KB"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{bytes} B"),
    };
}
