namespace K3s.Core.Processes;

/// <summary>One thread of a process: what <c>ps -T</c> shows.</summary>
public sealed record ThreadInfo(int Id, string Name, ProcessState State, TimeSpan CpuTime)
{
    public override string ToString() => $"{Id} {Name} ({State})";
}
