namespace K3s.Controllers.Tests;

/// <summary>Polls a condition until it holds or a generous deadline passes; tests never assert durations.</summary>
internal static class Eventually
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    public static async Task HoldsAsync(Func<Task<bool>> condition, string what)
    {
        var giveUp = DateTime.UtcNow + Deadline;
        while (!await condition())
        {
            if (DateTime.UtcNow > giveUp)
                Assert.Fail($"timed out waiting until {what}");
            await Task.Delay(100);
        }
    }
}
