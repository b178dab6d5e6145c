using System.ComponentModel;
using System.Diagnostics;

namespace K3s.Core.Processes;

/// <summary>
/// The process table where there is no /proc (Windows). System.Diagnostics.Process gives
/// neither parent ids, arguments nor sockets, so those fields stay empty and K3sPs
/// processes are recognised by name only.
/// </summary>
public sealed class DiagnosticsProcessTable : IProcessTable
{
    public IReadOnlyList<ProcessEntry> ListProcesses()
    {
        var entries = new List<ProcessEntry>();
        foreach (var process in Process.GetProcesses())
        {
            using (process)
                entries.Add(new ProcessEntry(process.Id, 0, process.ProcessName, null));
        }
        return entries;
    }

    public ProcessInfo? ReadDetails(ProcessEntry entry)
    {
        try
        {
            using var process = Process.GetProcessById(entry.Id);
            var fields = new FieldReader(e => e is Win32Exception or NotSupportedException);
            return new ProcessInfo
            {
                Id = entry.Id,
                ParentId = entry.ParentId,
                Name = entry.Name,
                CommandLine = fields.Read("CommandLine", entry.Name, () => process.MainModule?.FileName ?? entry.Name),
                ThreadCount = process.Threads.Count,
                Threads = fields.Read<IReadOnlyList<ThreadInfo>>("Threads", [], () => process.Threads.Cast<ProcessThread>()
                    .Select(t => new ThreadInfo(t.Id, "", ToState(t.ThreadState), t.TotalProcessorTime))
                    .ToList()),
                WorkingSet = process.WorkingSet64,
                CpuTime = fields.Read("CpuTime", TimeSpan.Zero, () => process.TotalProcessorTime),
                StartTime = fields.Read<DateTime?>("StartTime", null, () => process.StartTime),
                UnreadableFields = fields.UnreadableFields,
            };
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            return null; // exited
        }
    }

    private static ProcessState ToState(System.Diagnostics.ThreadState state) => state switch
    {
        System.Diagnostics.ThreadState.Running or System.Diagnostics.ThreadState.Ready => ProcessState.Running,
        System.Diagnostics.ThreadState.Wait => ProcessState.Sleeping,
        System.Diagnostics.ThreadState.Terminated => ProcessState.Dead,
        _ => ProcessState.Unknown,
    };
}
