using System.Collections.Concurrent;
using System.Diagnostics;

namespace K3s.ApiServer.Bench;

/// <summary>What one watcher received: when each object's event arrived, and anything amiss.</summary>
internal sealed class WatcherLog
{
    private readonly ConcurrentDictionary<string, long> arrivals = new();
    private readonly ConcurrentQueue<string> oddities = new();
    private long lastRevision;
    private int duplicates;
    private int outOfOrder;

    public int Received => arrivals.Count;

    public bool Saw(string name) => arrivals.ContainsKey(name);

    public bool TryGetArrival(string name, out long timestamp) => arrivals.TryGetValue(name, out timestamp);

    /// <summary>An ADDED event (a create) for <paramref name="name"/> at <paramref name="revision"/>; called by one reader at a time.</summary>
    public void Added(string name, long revision)
    {
        var now = Stopwatch.GetTimestamp();
        if (!arrivals.TryAdd(name, now))
            Interlocked.Increment(ref duplicates);
        if (revision <= lastRevision)
            Interlocked.Increment(ref outOfOrder);
        lastRevision = revision;
    }

    public void Odd(string what) => oddities.Enqueue(what);

    /// <summary>What this watcher got wrong, as lines; empty when nothing was.</summary>
    public IEnumerable<string> Problems(int watcher)
    {
        if (duplicates > 0)
            yield return $"watcher {watcher}: {duplicates} duplicate events";
        if (outOfOrder > 0)
            yield return $"watcher {watcher}: {outOfOrder} events out of revision order";
        foreach (var oddity in oddities.Take(5))
            yield return $"watcher {watcher}: {oddity}";
    }

    /// <summary>
    /// Waits until every watcher has received <paramref name="expected"/> events, or until none has
    /// received anything new for <paramref name="quiet"/>.
    /// </summary>
    public static async Task WaitForAsync(IReadOnlyList<WatcherLog> logs, int expected, TimeSpan quiet)
    {
        var seen = -1;
        var lastProgress = Stopwatch.GetTimestamp();
        while (logs.Any(log => log.Received < expected))
        {
            var total = logs.Sum(log => log.Received);
            if (total != seen)
                (seen, lastProgress) = (total, Stopwatch.GetTimestamp());
            else if (Stopwatch.GetElapsedTime(lastProgress) > quiet)
                return;
            await Task.Delay(10);
        }
    }

    /// <summary>
    /// The write-to-event delays over every watcher, events/s from the first write to the last event
    /// delivered, and the events any watcher missed.
    /// </summary>
    public static FanOut Analyze(string workload, IReadOnlyList<WatcherLog> logs, IReadOnlyList<string> names, long[] writeStarts)
    {
        var delays = new Measurement(workload);
        var problems = new List<string>();
        var lastArrival = writeStarts.Min();
        for (var w = 0; w < logs.Count; w++)
        {
            var missing = new List<string>();
            for (var i = 0; i < names.Count; i++)
            {
                if (logs[w].TryGetArrival(names[i], out var arrival))
                {
                    delays.Add(Stopwatch.GetElapsedTime(writeStarts[i], arrival).TotalMilliseconds);
                    lastArrival = Math.Max(lastArrival, arrival);
                }
                else
                {
                    missing.Add(names[i]);
                }
            }
            if (missing.Count > 0)
                problems.Add($"watcher {w} missed {missing.Count} of {names.Count} events ({string.Join(", ", missing.Take(5))}{(missing.Count > 5 ? ", …" : "")})");
            problems.AddRange(logs[w].Problems(w));
        }
        delays.Elapsed = Stopwatch.GetElapsedTime(writeStarts.Min(), lastArrival);
        return new FanOut(delays, logs.Count, names.Count, problems);
    }
}
