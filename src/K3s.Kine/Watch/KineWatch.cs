using System.Threading.Channels;
using K3s.Core.Etcd;
using K3s.Kine.Sql;
using K3s.Kine.Store;

namespace K3s.Kine.Watch;

/// <summary>
/// One watch: sends the events of its key range from its start revision on, in revision order, to
/// the output it shares with the other watches of a stream. It reads the recent log from the
/// <see cref="WatchHub"/> and older revisions from the database; a start revision that was
/// compacted away ends it with etcd's compacted cancellation.
/// </summary>
internal sealed class KineWatch
{
    private const int HistoryPage = 1000;

    private readonly WatchCreateRequest request;
    private readonly KeyRange range;
    private readonly WatchHub hub;
    private readonly Func<KeyRange, long, long, int, (List<KineRow> Rows, long Compact)> readHistory;
    private readonly ChannelWriter<WatchResponse> output;
    private readonly TimeSpan progressInterval;
    private long synced;

    public KineWatch(long watchId, WatchCreateRequest request, long startRevision, KeyRange range, WatchHub hub,
        Func<KeyRange, long, long, int, (List<KineRow> Rows, long Compact)> readHistory,
        ChannelWriter<WatchResponse> output, TimeSpan progressInterval)
    {
        WatchId = watchId;
        this.request = request;
        this.range = range;
        this.hub = hub;
        this.readHistory = readHistory;
        this.output = output;
        this.progressInterval = progressInterval;
        synced = startRevision - 1;
    }

    public long WatchId { get; }

    /// <summary>Every event at or below this revision has been written to the output.</summary>
    public long SyncedRevision => Interlocked.Read(ref synced);

    /// <summary>Runs until cancelled, or until the watch is cancelled for compaction.</summary>
    public async Task RunAsync(long compactRevision, CancellationToken cancellationToken)
    {
        if (SyncedRevision + 1 < compactRevision)
        {
            await SendCompactedAsync(compactRevision, cancellationToken);
            return;
        }
        var lastSent = DateTime.UtcNow;
        var rows = new List<KineRow>();
        while (!cancellationToken.IsCancellationRequested)
        {
            var next = SyncedRevision + 1;
            if (!await hub.WaitBeyondAsync(next - 1, progressInterval, cancellationToken))
            {
                if (request.ProgressNotify)
                {
                    await SendAsync(new WatchResponse { Header = Headers.At(SyncedRevision) }, cancellationToken);
                    lastSent = DateTime.UtcNow;
                }
                continue;
            }

            rows.Clear();
            var to = hub.LastRevision;
            if (!hub.TryRead(next, to, rows))
            {
                // Fell behind the recent log: read the database, a page at a time.
                var (history, compact) = readHistory(range, next, to, HistoryPage);
                if (next < compact)
                {
                    await SendCompactedAsync(compact, cancellationToken);
                    return;
                }
                rows.AddRange(history);
                if (history.Count == HistoryPage)
                    to = history[^1].Id;
            }

            var events = rows.Where(Wanted).Select(row => KeyValues.EventFrom(row, request.PrevKv)).ToList();
            if (events.Count > 0)
            {
                var response = new WatchResponse { Header = Headers.At(to) };
                response.Events.AddRange(events);
                await SendAsync(response, cancellationToken);
                lastSent = DateTime.UtcNow;
            }
            Interlocked.Exchange(ref synced, to);

            if (request.ProgressNotify && DateTime.UtcNow - lastSent >= progressInterval)
            {
                await SendAsync(new WatchResponse { Header = Headers.At(to) }, cancellationToken);
                lastSent = DateTime.UtcNow;
            }
        }
    }

    private bool Wanted(KineRow row) =>
        row.IsKeyRevision
        && range.Contains(row.Name)
        && !(row.Deleted ? Filtered(WatchCreateRequest.Types.FilterType.Nodelete) : Filtered(WatchCreateRequest.Types.FilterType.Noput));

    private bool Filtered(WatchCreateRequest.Types.FilterType filter) => request.Filters.Contains(filter);

    private Task SendCompactedAsync(long compactRevision, CancellationToken cancellationToken) =>
        SendAsync(new WatchResponse
        {
            Header = Headers.At(hub.LastRevision),
            Canceled = true,
            CompactRevision = compactRevision,
            CancelReason = EtcdErrors.Compacted().Status.Detail,
        }, cancellationToken);

    private async Task SendAsync(WatchResponse response, CancellationToken cancellationToken)
    {
        response.WatchId = WatchId;
        await output.WriteAsync(response, cancellationToken);
    }
}
