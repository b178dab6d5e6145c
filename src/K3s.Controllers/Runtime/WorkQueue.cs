using System.Threading.Channels;

namespace K3s.Controllers.Runtime;

/// <summary>
/// client-go's rate-limited work queue, smaller: a key is queued at most once, a key being worked on
/// is not handed to a second worker (added again, it is queued when the first one is Done), and
/// failed keys come back after a per-key exponential delay.
/// </summary>
public sealed class WorkQueue
{
    private readonly Channel<string> ready = Channel.CreateUnbounded<string>();
    private readonly HashSet<string> queued = [];
    private readonly HashSet<string> processing = [];
    private readonly Dictionary<string, int> failures = [];
    private readonly Lock gate = new();
    private readonly TimeSpan initialRetry;
    private readonly TimeSpan maximumRetry;

    public WorkQueue(TimeSpan? initialRetry = null, TimeSpan? maximumRetry = null)
    {
        this.initialRetry = initialRetry ?? TimeSpan.FromMilliseconds(100);
        this.maximumRetry = maximumRetry ?? TimeSpan.FromMinutes(1);
    }

    public void Add(string key)
    {
        lock (gate)
        {
            if (!queued.Add(key) || processing.Contains(key))
                return;
        }
        ready.Writer.TryWrite(key);
    }

    public void AddRange(IEnumerable<string> keys)
    {
        foreach (var key in keys)
            Add(key);
    }

    /// <summary>Adds the key once the delay has passed (a timer, so nobody waits for it).</summary>
    public void AddAfter(string key, TimeSpan delay)
    {
        if (delay <= TimeSpan.Zero)
        {
            Add(key);
            return;
        }
        _ = Task.Delay(delay).ContinueWith(_ => Add(key), TaskScheduler.Default);
    }

    /// <summary>Adds the key again after its next backoff delay; <see cref="Forget"/> resets that.</summary>
    public void AddRateLimited(string key)
    {
        int count;
        lock (gate)
        {
            failures.TryGetValue(key, out count);
            failures[key] = count + 1;
        }
        AddAfter(key, Backoff.Delay(initialRetry, maximumRetry, count));
    }

    public void Forget(string key)
    {
        lock (gate)
            failures.Remove(key);
    }

    /// <summary>The next key to work on; the caller calls <see cref="Done"/> when finished with it.</summary>
    public async ValueTask<string> TakeAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var key = await ready.Reader.ReadAsync(cancellationToken);
            lock (gate)
            {
                // A key added while another worker had it was written once more; take it only once.
                if (!queued.Contains(key) || processing.Contains(key))
                    continue;
                queued.Remove(key);
                processing.Add(key);
                return key;
            }
        }
    }

    public void Done(string key)
    {
        bool again;
        lock (gate)
        {
            processing.Remove(key);
            again = queued.Contains(key);
        }
        if (again)
            ready.Writer.TryWrite(key);
    }
}
