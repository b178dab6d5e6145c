using System.Diagnostics;

namespace K3s.ApiServer.Bench;

/// <summary>The latencies of one workload, and what they add up to.</summary>
internal sealed class Measurement(string workload)
{
    private readonly List<double> milliseconds = [];
    private readonly Lock gate = new();

    public string Workload { get; } = workload;
    public TimeSpan Elapsed { get; set; }

    public int Count => milliseconds.Count;

    public double OperationsPerSecond => milliseconds.Count / Elapsed.TotalSeconds;

    public void Add(long startTimestamp) => Add(Stopwatch.GetElapsedTime(startTimestamp).TotalMilliseconds);

    public void Add(double elapsedMilliseconds)
    {
        lock (gate)
            milliseconds.Add(elapsedMilliseconds);
    }

    public double Percentile(double p)
    {
        var sorted = milliseconds.Order().ToList();
        return sorted.Count == 0 ? double.NaN : sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p / 100 * sorted.Count) - 1)];
    }

    /// <summary>Runs <paramref name="count"/> operations spread over <paramref name="workers"/> workers, worker w taking w, w+workers, ….</summary>
    public static async Task<Measurement> RunAsync(string name, int workers, int count, Func<int, int, Task> operation)
    {
        var measurement = new Measurement(name);
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, workers).Select(w => Task.Run(async () =>
        {
            for (var i = w; i < count; i += workers)
            {
                var start = Stopwatch.GetTimestamp();
                await operation(w, i);
                measurement.Add(start);
            }
        })));
        measurement.Elapsed = clock.Elapsed;
        return measurement;
    }
}

/// <summary>What 50 watchers saw of N writes: the delays, and what any of them missed.</summary>
internal sealed record FanOut(Measurement Delays, int Watchers, int Writes, IReadOnlyList<string> Problems);
