namespace K3s.Core.Processes;

/// <summary>A process of a K3sPs (or k3s) node, as Get-K3sProcess emits it.</summary>
public sealed class ProcessInfo
{
    public required int Id { get; init; }
    public required int ParentId { get; init; }
    public required string Name { get; init; }
    public ProcessRole Role { get; set; } = ProcessRole.Other;
    public string CommandLine { get; init; } = "";
    public int ThreadCount { get; init; }
    public IReadOnlyList<ThreadInfo> Threads { get; init; } = [];
    /// <summary>Resident set size in bytes.</summary>
    public long WorkingSet { get; init; }
    public TimeSpan CpuTime { get; init; }
    public DateTime? StartTime { get; init; }
    public IReadOnlyList<ListeningPort> ListeningPorts { get; init; } = [];
    public IReadOnlyList<int> ChildIds { get; set; } = [];
    /// <summary>Depth below the first listed ancestor; set only when listing as a tree.</summary>
    public int? Depth { get; set; }
    /// <summary>Fields left empty because their /proc entry could not be read (e.g. permissions).</summary>
    public IReadOnlyList<string> UnreadableFields { get; init; } = [];

    public override string ToString() => $"{Name} ({Id})";
}
