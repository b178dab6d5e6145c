namespace K3s.Core.Processes;

/// <summary>
/// The cheap facts about a process (parent, name, arguments), read for every process on
/// the host to find the K3sPs ones before the expensive details are read for those only.
/// </summary>
/// <param name="Arguments">argv; null where the platform does not expose it.</param>
public sealed record ProcessEntry(int Id, int ParentId, string Name, IReadOnlyList<string>? Arguments);
