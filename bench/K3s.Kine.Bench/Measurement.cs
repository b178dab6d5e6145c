using System.Diagnostics;

namespace K3s.Kine.Bench;

/// <summary>The latencies of one workload on one target, and what they add up to.</summary>
internal sealed class Measurement(string workload, string target)
{
    private readonly List<double> milliseconds = [];
    private readonly Lock gate = new();

    public string Workload { get; } = workload;
    public string Target { get; } = target;
    public TimeSpan Elapsed { get; set; }

    public double OperationsPerSecond => milliseconds.Count / Elapsed.TotalSeconds;

    public void Add(long startTimestamp)
    {
        var elapsed = Stopwatch.GetElapsedTime(startTimestamp).TotalMilliseconds;
        lock (gate)
            milliseconds.Add(elapsed);
    }

    public double Percentile(double p)
    {
        var sorted = milliseconds.Order().ToList();
        return sorted.Count == 0 ? double.NaN : sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p / 100 * sorted.Count) - 1)];
    }
}
