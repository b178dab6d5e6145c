namespace K3s.Controllers.Runtime;

/// <summary>Exponential delays: base, 2×base, 4×base, … up to a cap; Reset after a success.</summary>
public sealed class Backoff(TimeSpan initial, TimeSpan maximum)
{
    private int failures;

    public TimeSpan Next()
    {
        var delay = Delay(initial, maximum, failures);
        failures++;
        return delay;
    }

    public void Reset() => failures = 0;

    /// <summary>The delay after this many earlier failures.</summary>
    public static TimeSpan Delay(TimeSpan initial, TimeSpan maximum, int failures)
    {
        // Past 2^30 the product would overflow long before it mattered: the cap is reached by then.
        var factor = Math.Pow(2, Math.Min(failures, 30));
        var ticks = initial.Ticks * factor;
        return ticks >= maximum.Ticks ? maximum : TimeSpan.FromTicks((long)ticks);
    }
}
