using K3s.Kine.Sql;

namespace K3s.Kine.Watch;

/// <summary>
/// The recent log, as the poller read it: a ring of the newest rows by revision, and a signal for
/// watches waiting on newer ones. Watches that are in step read from here; one that fell behind
/// the ring reads the database instead. One poll of the database thus serves every watch.
/// </summary>
internal sealed class WatchHub(long startRevision, int capacity = 16384)
{
    private readonly KineRow?[] ring = new KineRow?[capacity];
    private readonly Lock gate = new();
    private long oldest = startRevision + 1;
    private long newest = startRevision;
    private TaskCompletionSource published = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Every row up to this revision has been published (or was found missing and skipped).</summary>
    public long LastRevision
    {
        get
        {
            lock (gate)
                return newest;
        }
    }

    /// <summary>Adds rows read in revision order; revisions between them that were skipped stay empty.</summary>
    public void Publish(IReadOnlyList<KineRow> rows, long upTo)
    {
        TaskCompletionSource signal;
        lock (gate)
        {
            foreach (var row in rows)
                ring[row.Id % ring.Length] = row;
            for (var revision = newest + 1; revision <= upTo; revision++)
            {
                var slot = ring[revision % ring.Length];
                if (slot is not null && slot.Id != revision)
                    ring[revision % ring.Length] = null; // a skipped revision must not show an old row
            }
            newest = upTo;
            oldest = Math.Max(oldest, newest - ring.Length + 1);
            signal = published;
            published = new(TaskCreationOptions.RunContinuationsAsynchronously);
        }
        signal.TrySetResult();
    }

    /// <summary>The rows in [from, to], or false if the ring no longer holds <paramref name="from"/>.</summary>
    public bool TryRead(long from, long to, List<KineRow> rows)
    {
        lock (gate)
        {
            if (from < oldest)
                return false;
            for (var revision = from; revision <= Math.Min(to, newest); revision++)
            {
                if (ring[revision % ring.Length] is { } row && row.Id == revision)
                    rows.Add(row);
            }
            return true;
        }
    }

    /// <summary>Completes once a revision above <paramref name="revision"/> is published, or after the timeout (false).</summary>
    public async Task<bool> WaitBeyondAsync(long revision, TimeSpan timeout, CancellationToken cancellationToken)
    {
        Task signal;
        lock (gate)
        {
            if (newest > revision)
                return true;
            signal = published.Task;
        }
        try
        {
            await signal.WaitAsync(timeout, cancellationToken);
            return true;
        }
        catch (TimeoutException)
        {
            return LastRevision > revision;
        }
    }
}
