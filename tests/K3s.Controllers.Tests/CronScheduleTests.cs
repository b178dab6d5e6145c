using K3s.Controllers.Jobs;

namespace K3s.Controllers.Tests;

public sealed class CronScheduleTests
{
    private static DateTime Utc(int year, int month, int day, int hour = 0, int minute = 0, int second = 0) =>
        new(year, month, day, hour, minute, second, DateTimeKind.Utc);

    private static DateTime? Next(string schedule, DateTime after, TimeZoneInfo? zone = null) =>
        CronSchedule.Parse(schedule).Next(after, zone ?? TimeZoneInfo.Utc);

    [Theory]
    [InlineData("* * * * *", "2026-03-04T10:15:30", "2026-03-04T10:16:00")]
    [InlineData("* * * * *", "2026-03-04T10:15:00", "2026-03-04T10:16:00")]
    [InlineData("*/15 * * * *", "2026-03-04T10:15:00", "2026-03-04T10:30:00")]
    [InlineData("5/20 * * * *", "2026-03-04T10:46:00", "2026-03-04T11:05:00")]
    [InlineData("0 9-17/4 * * *", "2026-03-04T13:00:00", "2026-03-04T17:00:00")]
    [InlineData("30 2 * * *", "2026-03-04T02:30:00", "2026-03-05T02:30:00")]
    [InlineData("0 0 1,15 * *", "2026-03-02T00:00:00", "2026-03-15T00:00:00")]
    [InlineData("0 0 31 * *", "2026-04-01T00:00:00", "2026-05-31T00:00:00")]
    [InlineData("0 0 29 FEB *", "2026-03-01T00:00:00", "2028-02-29T00:00:00")]
    [InlineData("0 12 * jan-mar mon", "2026-03-31T00:00:00", "2027-01-04T12:00:00")]
    [InlineData("0 8 * * MON-FRI", "2026-03-06T09:00:00", "2026-03-09T08:00:00")]
    [InlineData("0 8 * * sat,SUN", "2026-03-04T00:00:00", "2026-03-07T08:00:00")]
    [InlineData("0 0 ? * 0", "2026-03-04T00:00:00", "2026-03-08T00:00:00")]
    public void The_next_time_is_the_first_matching_minute_after(string schedule, string after, string expected) =>
        Assert.Equal(DateTime.Parse(expected + "Z").ToUniversalTime(), Next(schedule, DateTime.Parse(after + "Z").ToUniversalTime()));

    [Theory]
    [InlineData("@hourly", "0 * * * *")]
    [InlineData("@daily", "0 0 * * *")]
    [InlineData("@midnight", "0 0 * * *")]
    [InlineData("@weekly", "0 0 * * 0")]
    [InlineData("@monthly", "0 0 1 * *")]
    [InlineData("@yearly", "0 0 1 1 *")]
    [InlineData("@annually", "0 0 1 1 *")]
    public void Macros_mean_their_five_field_schedules(string macro, string schedule)
    {
        var after = Utc(2026, 3, 4, 10, 15);
        for (var i = 0; i < 3; i++)
        {
            var expected = Next(schedule, after);
            Assert.Equal(expected, Next(macro, after));
            after = expected!.Value;
        }
    }

    [Fact]
    public void Restricting_both_day_fields_runs_on_days_matching_either()
    {
        // The 13th, or any Friday: 2026-03-06 is a Friday, before the 13th.
        Assert.Equal(Utc(2026, 3, 6), Next("0 0 13 * 5", Utc(2026, 3, 4)));
        Assert.Equal(Utc(2026, 3, 13), Next("0 0 13 * 5", Utc(2026, 3, 6)));
        // With one of them "*" (or "*/1") both must match: only Fridays.
        Assert.Equal(Utc(2026, 3, 13), Next("0 0 */1 * 5", Utc(2026, 3, 6)));
        // "*/2" is a restriction, not "*": odd days or Fridays.
        Assert.Equal(Utc(2026, 3, 5), Next("0 0 */2 * 5", Utc(2026, 3, 4)));
    }

    [Fact]
    public void A_schedule_is_read_in_its_time_zone()
    {
        var berlin = TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin");
        // 09:00 in Berlin is 08:00 UTC in winter and 07:00 UTC in summer.
        Assert.Equal(Utc(2026, 1, 15, 8), Next("0 9 * * *", Utc(2026, 1, 15), berlin));
        Assert.Equal(Utc(2026, 7, 15, 7), Next("0 9 * * *", Utc(2026, 7, 15), berlin));
        // 02:30 does not exist on the night clocks go forward (2026-03-29): the next run is the following night.
        Assert.Equal(Utc(2026, 3, 30, 0, 30), Next("30 2 * * *", Utc(2026, 3, 28, 12), berlin));
    }

    [Fact]
    public void A_date_that_never_comes_has_no_next_time() =>
        Assert.Null(Next("0 0 30 2 *", Utc(2026, 1, 1)));

    [Theory]
    [InlineData("")]
    [InlineData("* * * *")]
    [InlineData("* * * * * *")]
    [InlineData("60 * * * *")]
    [InlineData("* 24 * * *")]
    [InlineData("* * 0 * *")]
    [InlineData("* * * 13 *")]
    [InlineData("* * * * 7")]
    [InlineData("5-1 * * * *")]
    [InlineData("*/0 * * * *")]
    [InlineData("* * * FOO *")]
    [InlineData("@every 5m")]
    [InlineData("1-2-3 * * * *")]
    public void Invalid_schedules_are_rejected(string schedule)
    {
        Assert.Throws<FormatException>(() => CronSchedule.Parse(schedule));
        Assert.False(CronSchedule.TryParse(schedule, out _, out var error));
        Assert.False(string.IsNullOrEmpty(error));
    }
}
