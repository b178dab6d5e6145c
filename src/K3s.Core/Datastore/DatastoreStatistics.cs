namespace K3s.Core.Datastore;

/// <summary>
/// Works out a <see cref="DatastoreSummary"/> from a reader's stored history, the same way for a
/// file and for a server, so the two give the same answers for the same data.
/// </summary>
public static class DatastoreStatistics
{
    private const int Top = 10;

    public static async Task<DatastoreSummary> SummarizeAsync(IDatastoreReader reader, CancellationToken cancellationToken)
    {
        var (current, compact) = await reader.GetRevisionsAsync(cancellationToken);
        var latest = new Dictionary<string, DatastoreRow>(StringComparer.Ordinal);
        var prefixes = new Dictionary<string, (long Rows, long Bytes)>(StringComparer.Ordinal);
        long rows = 0, superseded = 0, tombstones = 0, bytes = 0;
        await foreach (var row in reader.HistoryAsync(KeySelection.All, cancellationToken))
        {
            rows++;
            bytes += row.Size;
            if (row.Operation == DatastoreOperation.Delete)
                tombstones++;
            if (latest.ContainsKey(row.Key))
                superseded++;
            latest[row.Key] = row;
            var prefix = PrefixOf(row.Key);
            var (prefixRows, prefixBytes) = prefixes.GetValueOrDefault(prefix);
            prefixes[prefix] = (prefixRows + 1, prefixBytes + row.Size);
        }
        var live = latest.Values.Where(row => row.Operation != DatastoreOperation.Delete).ToList();
        var file = await reader.GetFileFactsAsync(cancellationToken);
        return new DatastoreSummary
        {
            Backend = reader.Backend,
            Source = reader.Source,
            FileSize = file?.FileSize,
            WalSize = file?.WalSize,
            GapRows = file?.GapRows,
            CurrentRevision = current,
            CompactRevision = compact,
            TotalRows = rows,
            LiveKeys = live.Count,
            SupersededRows = superseded,
            Tombstones = tombstones,
            ValueBytes = bytes,
            BiggestKeys = live.OrderByDescending(row => row.Size).ThenBy(row => row.Key, StringComparer.Ordinal)
                .Take(Top).Select(row => new KeySize(row.Key, row.Size)).ToList(),
            BiggestPrefixes = prefixes.OrderByDescending(p => p.Value.Bytes).ThenBy(p => p.Key, StringComparer.Ordinal)
                .Take(Top).Select(p => new PrefixSize(p.Key, p.Value.Rows, p.Value.Bytes)).ToList(),
        };
    }

    /// <summary>
    /// The prefix a key is counted under: its resource for Kubernetes keys (/registry/events/), else
    /// its first path segment.
    /// </summary>
    public static string PrefixOf(string key)
    {
        var segments = key.Split('/');
        var depth = key.StartsWith("/registry/", StringComparison.Ordinal) ? 3 : 2;
        return segments.Length > depth ? string.Join('/', segments.Take(depth)) + "/" : key;
    }
}
