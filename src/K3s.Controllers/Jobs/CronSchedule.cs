namespace K3s.Controllers.Jobs;

/// <summary>
/// A standard five-field cron schedule (minute, hour, day of month, month, day of week), as a
/// CronJob's spec.schedule is read upstream: lists, ranges, steps, month and weekday names, and the
/// @yearly/@annually, @monthly, @weekly, @daily/@midnight and @hourly macros. As in cron, when both
/// day of month and day of week are restricted a day matching either runs; when one is "*" both must match.
/// </summary>
public sealed class CronSchedule
{
    /// <summary>How far ahead to look for a matching time before deciding there is none (a 30th of February).</summary>
    private const int YearsToSearch = 5;

    private static readonly Dictionary<string, string> Macros = new(StringComparer.OrdinalIgnoreCase)
    {
        ["@yearly"] = "0 0 1 1 *",
        ["@annually"] = "0 0 1 1 *",
        ["@monthly"] = "0 0 1 * *",
        ["@weekly"] = "0 0 * * 0",
        ["@daily"] = "0 0 * * *",
        ["@midnight"] = "0 0 * * *",
        ["@hourly"] = "0 * * * *",
    };

    private static readonly Dictionary<string, int> MonthNames = new()
    {
        ["JAN"] = 1, ["FEB"] = 2, ["MAR"] = 3, ["APR"] = 4, ["MAY"] = 5, ["JUN"] = 6,
        ["JUL"] = 7, ["AUG"] = 8, ["SEP"] = 9, ["OCT"] = 10, ["NOV"] = 11, ["DEC"] = 12,
    };

    private static readonly Dictionary<string, int> DayNames = new()
    {
        ["SUN"] = 0, ["MON"] = 1, ["TUE"] = 2, ["WED"] = 3, ["THU"] = 4, ["FRI"] = 5, ["SAT"] = 6,
    };

    private readonly CronField minutes;
    private readonly CronField hours;
    private readonly CronField daysOfMonth;
    private readonly CronField months;
    private readonly CronField daysOfWeek;

    private CronSchedule(CronField minutes, CronField hours, CronField daysOfMonth, CronField months, CronField daysOfWeek)
    {
        this.minutes = minutes;
        this.hours = hours;
        this.daysOfMonth = daysOfMonth;
        this.months = months;
        this.daysOfWeek = daysOfWeek;
    }

    /// <summary>Parses a schedule; a <see cref="FormatException"/> says what is wrong with it.</summary>
    public static CronSchedule Parse(string schedule)
    {
        var text = schedule.Trim();
        if (text.StartsWith('@'))
            text = Macros.TryGetValue(text, out var expanded) ? expanded : throw new FormatException($"unrecognized descriptor: {text}");
        var fields = text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        if (fields.Length != 5)
            throw new FormatException($"expected exactly 5 fields, found {fields.Length}: {schedule}");
        return new CronSchedule(
            CronField.Parse(fields[0], "minute", 0, 59),
            CronField.Parse(fields[1], "hour", 0, 23),
            CronField.Parse(fields[2], "day of month", 1, 31),
            CronField.Parse(fields[3], "month", 1, 12, MonthNames),
            CronField.Parse(fields[4], "day of week", 0, 6, DayNames));
    }

    public static bool TryParse(string schedule, out CronSchedule? parsed, out string? error)
    {
        try
        {
            parsed = Parse(schedule);
            error = null;
            return true;
        }
        catch (FormatException e)
        {
            (parsed, error) = (null, e.Message);
            return false;
        }
    }

    /// <summary>
    /// The first time strictly after <paramref name="after"/> (UTC) that the schedule names, read as wall
    /// clock time in the zone; null if none within five years. Wall clock times a daylight saving change
    /// skips do not exist and are passed over.
    /// </summary>
    public DateTime? Next(DateTime after, TimeZoneInfo zone)
    {
        var afterUtc = DateTime.SpecifyKind(after.ToUniversalTime(), DateTimeKind.Utc);
        var local = TimeZoneInfo.ConvertTimeFromUtc(afterUtc, zone);
        // The next whole minute of wall clock time, as an unzoned time to step through.
        var candidate = new DateTime(local.Year, local.Month, local.Day, local.Hour, local.Minute, 0, DateTimeKind.Unspecified).AddMinutes(1);
        var giveUp = candidate.AddYears(YearsToSearch);
        while (candidate < giveUp)
        {
            if (!months.Allows(candidate.Month))
            {
                candidate = new DateTime(candidate.Year, candidate.Month, 1, 0, 0, 0, DateTimeKind.Unspecified).AddMonths(1);
                continue;
            }
            if (!DayMatches(candidate))
            {
                candidate = candidate.Date.AddDays(1);
                continue;
            }
            if (!hours.Allows(candidate.Hour))
            {
                candidate = candidate.Date.AddHours(candidate.Hour + 1);
                continue;
            }
            if (!minutes.Allows(candidate.Minute))
            {
                candidate = candidate.AddMinutes(1);
                continue;
            }
            if (!zone.IsInvalidTime(candidate))
            {
                var utc = TimeZoneInfo.ConvertTimeToUtc(candidate, zone);
                // A wall clock time repeated when clocks go back maps to one instant; never go backwards.
                if (utc > afterUtc)
                    return utc;
            }
            candidate = candidate.AddMinutes(1);
        }
        return null;
    }

    private bool DayMatches(DateTime day)
    {
        var dayOfMonth = daysOfMonth.Allows(day.Day);
        var dayOfWeek = daysOfWeek.Allows((int)day.DayOfWeek);
        return daysOfMonth.IsStar || daysOfWeek.IsStar ? dayOfMonth && dayOfWeek : dayOfMonth || dayOfWeek;
    }
}
