using System.Globalization;

namespace K3s.Controllers.Jobs;

/// <summary>
/// One field of a cron schedule: the values it allows, as a bit set, and whether it was written as a
/// bare "*" or "?" (which decides how day of month and day of week combine). The syntax is the one
/// upstream's cron library accepts: comma-separated lists of "*", a value, a range "a-b", each with an
/// optional "/step"; a single value with a step ("5/15") runs to the field's maximum.
/// </summary>
public sealed class CronField
{
    private readonly ulong allowed;

    private CronField(ulong allowed, bool isStar)
    {
        this.allowed = allowed;
        IsStar = isStar;
    }

    /// <summary>Written as "*" or "?" (with no step, or a step of 1).</summary>
    public bool IsStar { get; }

    public bool Allows(int value) => (allowed & (1UL << value)) != 0;

    /// <summary>Parses a field whose values run from minimum to maximum; names (JAN, MON) are case-insensitive.</summary>
    public static CronField Parse(string text, string field, int minimum, int maximum, IReadOnlyDictionary<string, int>? names = null)
    {
        ulong allowed = 0;
        var isStar = false;
        foreach (var part in text.Split(','))
        {
            var (bits, star) = ParseRange(part, field, minimum, maximum, names);
            allowed |= bits;
            isStar |= star;
        }
        return new CronField(allowed, isStar);
    }

    private static (ulong Bits, bool IsStar) ParseRange(string part, string field, int minimum, int maximum, IReadOnlyDictionary<string, int>? names)
    {
        var slash = part.Split('/');
        if (slash.Length > 2)
            throw Invalid(field, part, "too many slashes");
        var bounds = slash[0].Split('-');
        if (bounds.Length > 2)
            throw Invalid(field, part, "too many hyphens");
        int start, end;
        var isStar = false;
        if (bounds[0] is "*" or "?")
        {
            if (bounds.Length > 1)
                throw Invalid(field, part, "a range cannot start with *");
            (start, end, isStar) = (minimum, maximum, true);
        }
        else
        {
            start = Value(bounds[0], field, names);
            end = bounds.Length == 2 ? Value(bounds[1], field, names) : start;
        }
        var step = 1;
        if (slash.Length == 2)
        {
            if (!int.TryParse(slash[1], NumberStyles.None, CultureInfo.InvariantCulture, out step) || step <= 0)
                throw Invalid(field, part, "the step must be a positive number");
            if (bounds.Length == 1 && !isStar)
                end = maximum;
            if (step > 1)
                isStar = false;
        }
        if (start < minimum || end > maximum)
            throw Invalid(field, part, $"values must be between {minimum} and {maximum}");
        if (start > end)
            throw Invalid(field, part, "the range's start is past its end");
        ulong bits = 0;
        for (var value = start; value <= end; value += step)
            bits |= 1UL << value;
        return (bits, isStar);
    }

    private static int Value(string text, string field, IReadOnlyDictionary<string, int>? names)
    {
        if (names is not null && names.TryGetValue(text.ToUpperInvariant(), out var named))
            return named;
        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value))
            return value;
        throw Invalid(field, text, "not a number");
    }

    private static FormatException Invalid(string field, string text, string why) => new($"invalid {field} \"{text}\": {why}");
}
