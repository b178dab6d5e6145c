namespace K3s.Controllers.Tests;

/// <summary>Polls a condition until it holds or a generous deadline passes; tests never assert durations.</summary>
internal static class Eventually
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    /// <summary>Polls until the condition holds; a test whose event is due only after a while (a cron minute) may wait longer.</summary>
    public static async Task HoldsAsync(Func<Task<bool>> condition, string what, TimeSpan? deadline = null)
    {
        var giveUp = DateTime.UtcNow + (deadline ?? Deadline);
        while (!await condition())
        {
            if (DateTime.UtcNow > giveUp)
                Assert.Fail($"timed out waiting until {what}");
            await Task.Delay(100);
        }
    }
}
