namespace K3s.Core.Datastore;

/// <summary>
/// How far a backup or a restore has got. The work reports from whatever thread it runs on; the
/// caller shows it from its own (PowerShell's Write* calls belong to the pipeline thread).
/// </summary>
public sealed class BackupProgress
{
    private static readonly TimeSpan ShowEvery = TimeSpan.FromMilliseconds(200);

    private readonly Lock gate = new();
    private (string Status, int Percent) current = ("Starting", -1);

    public (string Status, int Percent) Current
    {
        get
        {
            lock (gate)
                return current;
        }
    }

    /// <param name="percent">0 to 100, or -1 when the total is not known.</param>
    public void Report(string status, int percent = -1)
    {
        lock (gate)
            current = (status, Math.Clamp(percent, -1, 100));
    }

    /// <summary>Reports <paramref name="done"/> of <paramref name="total"/> as a percentage of the span from <paramref name="from"/> to <paramref name="to"/>.</summary>
    public void Report(string status, long done, long total, int from = 0, int to = 100) =>
        Report(status, total <= 0 ? from : from + (int)Math.Min(to - from, (to - from) * done / total));

    /// <summary>
    /// Waits for <paramref name="work"/> on the calling thread, calling <paramref name="show"/> there
    /// whenever the progress changes. If <paramref name="show"/> throws (PowerShell does once the
    /// pipeline is stopped), the work, cancelled by then, is let finish removing what it wrote first.
    /// </summary>
    public T Wait<T>(Task<T> work, Action<string, int> show)
    {
        var finished = ((IAsyncResult)work).AsyncWaitHandle;
        (string, int)? shown = null;
        while (!finished.WaitOne(ShowEvery))
        {
            var now = Current;
            if (shown == now)
                continue;
            try
            {
                show(now.Status, now.Percent);
            }
            catch
            {
                finished.WaitOne();
                throw;
            }
            shown = now;
        }
        return work.GetAwaiter().GetResult();
    }
}
