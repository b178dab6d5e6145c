using K3s.Kine.Sql;
using K3s.Kine.Store;
using Microsoft.Extensions.Logging;

namespace K3s.Kine.Watch;

/// <summary>
/// Reads the log in id order and publishes it to the <see cref="WatchHub"/>: at once when this
/// process writes, every second otherwise (for servers sharing the database). Ids must come in
/// order without holes; a hole is a write still in flight or one that rolled back, so the poller
/// waits for it briefly, then takes the id with a <c>gap-ID</c> row, as kine does, and after a
/// second skips it.
/// </summary>
internal sealed class LogPoller : IAsyncDisposable
{
    private const int BatchSize = 500;
    private static readonly TimeSpan GapPatience = TimeSpan.FromSeconds(1);

    private readonly SqlLog log;
    private readonly IWriteExecutor writer;
    private readonly WatchHub hub;
    private readonly ILogger logger;
    private readonly TimeSpan interval;
    private readonly SemaphoreSlim wake = new(0, 1);
    // One reader of the log at a time: the poll loop, or a writer publishing what it committed.
    private readonly SemaphoreSlim reading = new(1, 1);
    private readonly CancellationTokenSource stopping = new();
    private readonly Task loop;
    private long position;
    private (long Revision, DateTime FirstSeen, int Sightings)? gap;

    public LogPoller(SqlLog log, IWriteExecutor writer, WatchHub hub, long startRevision, TimeSpan interval, ILogger logger)
    {
        this.log = log;
        this.writer = writer;
        this.hub = hub;
        this.logger = logger;
        this.interval = interval;
        position = startRevision;
        loop = Task.Run(RunAsync);
    }

    /// <summary>
    /// Rows this process just committed: they go straight to the watches when they are the next
    /// revisions; otherwise (another writer's rows in between, or the poller busy) the log is polled now.
    /// </summary>
    public void Committed(IReadOnlyList<KineRow> rows)
    {
        if (rows.Count == 0 || !reading.Wait(0))
        {
            Notify();
            return;
        }
        try
        {
            var contiguous = rows[0].Id == position + 1 && rows.Select((row, i) => row.Id == rows[0].Id + i).All(next => next);
            if (!contiguous)
            {
                Notify();
                return;
            }
            hub.Publish(rows, rows[^1].Id);
            position = rows[^1].Id;
        }
        finally
        {
            reading.Release();
        }
    }

    /// <summary>Poll now instead of at the next tick.</summary>
    public void Notify()
    {
        try
        {
            if (wake.CurrentCount == 0)
                wake.Release();
        }
        catch (SemaphoreFullException)
        {
            // Already woken.
        }
    }

    private async Task RunAsync()
    {
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                await wake.WaitAsync(gap is null ? interval : TimeSpan.FromMilliseconds(20), stopping.Token);
                await reading.WaitAsync(stopping.Token);
                try
                {
                    await PollAsync();
                }
                finally
                {
                    reading.Release();
                }
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                logger.LogWarning(e, "polling the datastore log failed; retrying");
            }
        }
    }

    private async Task PollAsync()
    {
        while (true)
        {
            List<KineRow> rows;
            using (var session = log.Dialect.OpenSession())
                rows = log.After(session, null, position, BatchSize);
            if (rows.Count == 0)
                return;

            var accepted = new List<KineRow>(rows.Count);
            var upTo = position;
            var blocked = false;
            foreach (var row in rows)
            {
                if (row.Id != upTo + 1 && !await AcceptGapAsync(upTo + 1))
                {
                    blocked = true;
                    break;
                }
                accepted.Add(row);
                upTo = row.Id;
            }
            if (upTo > position)
            {
                hub.Publish(accepted, upTo);
                position = upTo;
            }
            if (blocked || rows.Count < BatchSize)
                return;
        }
    }

    /// <summary>Whether to go past a missing revision now (it was skipped); false to wait and re-read.</summary>
    private async Task<bool> AcceptGapAsync(long missing)
    {
        var now = DateTime.UtcNow;
        if (gap?.Revision != missing)
        {
            gap = (missing, now, 1);
            return false;
        }
        var (_, firstSeen, sightings) = gap.Value;
        gap = (missing, firstSeen, sightings + 1);
        if (now - firstSeen > GapPatience)
        {
            logger.LogWarning("revision {Revision} is missing from the datastore log; skipping it", missing);
            gap = null;
            return true;
        }
        if (await writer.WriteAsync(scope => log.FillGap(scope.Session, scope.Transaction, missing), stopping.Token))
            logger.LogDebug("filled the gap at revision {Revision}", missing);
        return false;
    }

    public async ValueTask DisposeAsync()
    {
        await stopping.CancelAsync();
        await loop;
        stopping.Dispose();
        wake.Dispose();
        reading.Dispose();
    }
}
