using System.Globalization;
using System.Runtime.InteropServices;

namespace K3s.Core.Processes;

/// <summary>
/// Reads processes from a Linux /proc tree. A process that vanishes while it is read is skipped;
/// a single entry that cannot be read leaves its field empty and is named in
/// <see cref="ProcessInfo.UnreadableFields"/>.
/// </summary>
public sealed partial class ProcFileSystem(string root = "/proc") : IProcessTable
{
    private static readonly string[] NetTables = ["tcp", "tcp6", "udp", "udp6"];

    // Network namespaces are shared by many processes: parse each one's tables once.
    private readonly Dictionary<string, Dictionary<long, ListeningPort>> listenersByNamespace = [];
    private readonly Lazy<long> ticksPerSecond = new(ReadTicksPerSecond);
    private readonly Lazy<DateTime?> bootTime = new(() => ReadBootTime(root));

    public IReadOnlyList<ProcessEntry> ListProcesses()
    {
        var entries = new List<ProcessEntry>();
        foreach (var directory in Directory.EnumerateDirectories(root))
        {
            if (!int.TryParse(Path.GetFileName(directory), NumberStyles.None, CultureInfo.InvariantCulture, out var id))
                continue;
            var stat = TryReadStat(directory);
            if (stat is null)
                continue;
            entries.Add(new ProcessEntry(id, stat.ParentId, stat.Name, TryReadArguments(directory)));
        }
        return entries;
    }

    public ProcessInfo? ReadDetails(ProcessEntry entry)
    {
        var directory = Path.Combine(root, entry.Id.ToString(CultureInfo.InvariantCulture));
        var stat = TryReadStat(directory);
        if (stat is null)
            return null;

        var fields = new FieldReader(e => e is IOException or UnauthorizedAccessException);
        var status = fields.Read("Status", new Dictionary<string, string>(), () => ReadStatus(directory));
        var arguments = entry.Arguments ?? fields.Read<IReadOnlyList<string>>("CommandLine", [], () => ReadArguments(directory));
        var info = new ProcessInfo
        {
            Id = entry.Id,
            ParentId = stat.ParentId,
            Name = stat.Name,
            CommandLine = arguments.Count > 0 ? string.Join(' ', arguments) : $"[{stat.Name}]",
            ThreadCount = status.TryGetValue("Threads", out var threads) ? int.Parse(threads, CultureInfo.InvariantCulture) : stat.ThreadCount,
            Threads = fields.Read("Threads", [], () => ReadThreads(directory)),
            WorkingSet = status.TryGetValue("VmRSS", out var rss) ? ParseKilobytes(rss) : 0,
            CpuTime = ToTime(stat.UserTicks + stat.SystemTicks),
            StartTime = bootTime.Value + ToTime(stat.StartTicks),
            ListeningPorts = fields.Read("ListeningPorts", [], () => ReadListeningPorts(directory)),
            UnreadableFields = fields.UnreadableFields,
        };
        // A process that exited while we read it has no /proc directory left: skip it.
        return Directory.Exists(directory) ? info : null;
    }

    private static ProcStat? TryReadStat(string directory)
    {
        try
        {
            return ProcStat.Parse(File.ReadAllText(Path.Combine(directory, "stat")));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
        {
            return null;
        }
    }

    private static IReadOnlyList<string>? TryReadArguments(string directory)
    {
        try
        {
            return ReadArguments(directory);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static string[] ReadArguments(string directory) =>
        File.ReadAllText(Path.Combine(directory, "cmdline")).Split('\0', StringSplitOptions.RemoveEmptyEntries);

    private static Dictionary<string, string> ReadStatus(string directory)
    {
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in File.ReadLines(Path.Combine(directory, "status")))
        {
            var colon = line.IndexOf(':');
            if (colon > 0)
                fields[line[..colon]] = line[(colon + 1)..].Trim();
        }
        return fields;
    }

    private static long ParseKilobytes(string value) =>
        long.Parse(value.Split(' ', StringSplitOptions.RemoveEmptyEntries)[0], CultureInfo.InvariantCulture) * 1024;

    private List<ThreadInfo> ReadThreads(string directory)
    {
        var threads = new List<ThreadInfo>();
        foreach (var taskDirectory in Directory.EnumerateDirectories(Path.Combine(directory, "task")))
        {
            // A thread that ended after the listing has no stat any more; it is simply not reported.
            if (TryReadStat(taskDirectory) is { } stat)
                threads.Add(new ThreadInfo(stat.Id, stat.Name, stat.State, ToTime(stat.UserTicks + stat.SystemTicks)));
        }
        threads.Sort((a, b) => a.Id.CompareTo(b.Id));
        return threads;
    }

    private List<ListeningPort> ReadListeningPorts(string directory)
    {
        var listeners = ListenersOfNamespace(directory);
        var ports = new List<ListeningPort>();
        foreach (var fd in Directory.EnumerateFileSystemEntries(Path.Combine(directory, "fd")))
        {
            var target = new FileInfo(fd).LinkTarget;
            if (target is not null && target.StartsWith("socket:[", StringComparison.Ordinal)
                && long.TryParse(target.AsSpan(8, target.Length - 9), CultureInfo.InvariantCulture, out var inode)
                && listeners.TryGetValue(inode, out var port))
            {
                ports.Add(port);
            }
        }
        ports.Sort((a, b) => a.Port != b.Port ? a.Port.CompareTo(b.Port) : string.CompareOrdinal(a.Protocol, b.Protocol));
        return ports;
    }

    private Dictionary<long, ListeningPort> ListenersOfNamespace(string directory)
    {
        // /proc/PID/net shows the tables of that process's network namespace, not the reader's.
        var namespaceId = new FileInfo(Path.Combine(directory, "ns", "net")).LinkTarget ?? directory;
        if (listenersByNamespace.TryGetValue(namespaceId, out var listeners))
            return listeners;
        listeners = [];
        foreach (var table in NetTables)
        {
            var path = Path.Combine(directory, "net", table);
            if (!File.Exists(path))
                continue; // e.g. tcp6 on a kernel without IPv6
            foreach (var (inode, port) in ProcNetTable.Parse(table, File.ReadAllText(path)))
                listeners.TryAdd(inode, port);
        }
        listenersByNamespace[namespaceId] = listeners;
        return listeners;
    }

    private TimeSpan ToTime(long ticks) => TimeSpan.FromSeconds((double)ticks / ticksPerSecond.Value);

    private static DateTime? ReadBootTime(string root)
    {
        var path = Path.Combine(root, "stat");
        if (!File.Exists(path))
            return null;
        var line = File.ReadLines(path).FirstOrDefault(l => l.StartsWith("btime ", StringComparison.Ordinal));
        return line is null ? null : DateTimeOffset.FromUnixTimeSeconds(long.Parse(line[6..], CultureInfo.InvariantCulture)).LocalDateTime;
    }

    private const int ClockTicksSysconfName = 2; // _SC_CLK_TCK on Linux

    [LibraryImport("libc", EntryPoint = "sysconf")]
    private static partial long Sysconf(int name);

    private static long ReadTicksPerSecond()
    {
        try
        {
            var ticks = Sysconf(ClockTicksSysconfName);
            return ticks > 0 ? ticks : 100;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return 100; // USER_HZ is 100 on every mainstream Linux build
        }
    }
}
