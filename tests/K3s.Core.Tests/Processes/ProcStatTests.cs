using K3s.Core.Processes;

namespace K3s.Core.Tests.Processes;

public class ProcStatTests
{
    private const string Line =
        "4242 (k3sps (x) y) S 17 4242 17 0 -1 4194560 1000 0 0 0 250 75 0 0 20 0 12 0 987654 2000000 5000 18446744073709551615 1 1 0 0 0 0 0 4096 17630 0 0 0 17 1 0 0 0 0 0";

    [Fact]
    public void Parses_the_fields_after_a_name_holding_spaces_and_parentheses()
    {
        var stat = ProcStat.Parse(Line);

        Assert.Equal(4242, stat.Id);
        Assert.Equal("k3sps (x) y", stat.Name);
        Assert.Equal(ProcessState.Sleeping, stat.State);
        Assert.Equal(17, stat.ParentId);
        Assert.Equal(250, stat.UserTicks);
        Assert.Equal(75, stat.SystemTicks);
        Assert.Equal(12, stat.ThreadCount);
        Assert.Equal(987654, stat.StartTicks);
    }

    [Theory]
    [InlineData("")]
    [InlineData("12 no-parentheses S 1")]
    [InlineData("12 (short) S 1 2 3")]
    public void Rejects_what_is_not_a_stat_line(string line) =>
        Assert.Throws<FormatException>(() => ProcStat.Parse(line));

    [Theory]
    [InlineData('R', ProcessState.Running)]
    [InlineData('D', ProcessState.DiskSleep)]
    [InlineData('Z', ProcessState.Zombie)]
    [InlineData('t', ProcessState.TracingStop)]
    [InlineData('I', ProcessState.Idle)]
    [InlineData('?', ProcessState.Unknown)]
    public void Maps_state_letters(char letter, ProcessState state) =>
        Assert.Equal(state, ProcessStates.FromProcLetter(letter));
}
