namespace K3s.Core.Processes;

/// <summary>The host's process table: a cheap listing of every process, then details on demand.</summary>
public interface IProcessTable
{
    IReadOnlyList<ProcessEntry> ListProcesses();

    /// <summary>Reads the details of one process; null when it exited meanwhile.</summary>
    ProcessInfo? ReadDetails(ProcessEntry entry);
}

public static class ProcessTable
{
    /// <summary>/proc where the host has it (Linux); System.Diagnostics.Process elsewhere.</summary>
    public static IProcessTable ForThisHost() =>
        File.Exists("/proc/self/stat") ? new ProcFileSystem() : new DiagnosticsProcessTable();
}
