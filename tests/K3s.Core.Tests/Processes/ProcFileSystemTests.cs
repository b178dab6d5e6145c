using System.Net;
using System.Net.Sockets;
using K3s.Core.Processes;

namespace K3s.Core.Tests.Processes;

/// <summary>Reads a /proc tree laid out in a temp dir, and the real /proc for this test process.</summary>
public sealed class ProcFileSystemTests : IDisposable
{
    private readonly TemporaryDirectory directory = new();
    private string Root => directory.Path;

    public void Dispose() => directory.Dispose();

    private static string Stat(int id, string name, int parent, long user, long system, int threads, char state = 'S') =>
        $"{id} ({name}) {state} {parent} {id} {id} 0 -1 0 0 0 0 0 {user} {system} 0 0 20 0 {threads} 0 500 1000 100";

    private string AddProcess(int id, string name, int parent, string[] arguments, params int[] threadIds)
    {
        var directory = Path.Combine(Root, id.ToString());
        Directory.CreateDirectory(directory);
        File.WriteAllText(Path.Combine(directory, "stat"), Stat(id, name, parent, 300, 100, threadIds.Length));
        File.WriteAllText(Path.Combine(directory, "cmdline"), string.Join('\0', arguments) + '\0');
        File.WriteAllText(Path.Combine(directory, "status"), $"Name:\t{name}\nThreads:\t{threadIds.Length}\nVmRSS:\t   2048 kB\n");
        foreach (var threadId in threadIds)
        {
            var task = Directory.CreateDirectory(Path.Combine(directory, "task", threadId.ToString())).FullName;
            File.WriteAllText(Path.Combine(task, "stat"), Stat(threadId, $"worker-{threadId}", parent, 10, 5, threadIds.Length, 'R'));
        }
        Directory.CreateDirectory(Path.Combine(directory, "ns"));
        File.CreateSymbolicLink(Path.Combine(directory, "ns", "net"), "net:[4026531840]");
        var net = Directory.CreateDirectory(Path.Combine(directory, "net")).FullName;
        File.WriteAllText(Path.Combine(net, "tcp"), """
              sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
               0: 0100007F:192B 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 9001 1 0000000000000000 100 0 0 10 0
               1: 0100007F:2000 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 9002 1 0000000000000000 100 0 0 10 0
            """);
        var fd = Directory.CreateDirectory(Path.Combine(directory, "fd")).FullName;
        File.CreateSymbolicLink(Path.Combine(fd, "0"), "/dev/null");
        File.CreateSymbolicLink(Path.Combine(fd, "3"), "socket:[9001]");
        File.CreateSymbolicLink(Path.Combine(fd, "4"), "socket:[7777]");
        return directory;
    }

    [Fact]
    public void Lists_processes_with_parent_name_and_arguments()
    {
        File.WriteAllText(Path.Combine(Root, "stat"), "cpu 1 2 3\nbtime 1700000000\n");
        AddProcess(1, "init", 0, ["/sbin/init"], 1);
        AddProcess(100, "k3sps", 1, ["k3sps", "server"], 100);
        Directory.CreateDirectory(Path.Combine(Root, "sys"));
        Directory.CreateDirectory(Path.Combine(Root, "555")); // exited between listing and reading: no stat

        var entries = new ProcFileSystem(Root).ListProcesses().OrderBy(e => e.Id).ToList();

        Assert.Equal([1, 100], entries.Select(e => e.Id));
        Assert.Equal(new[] { "k3sps", "server" }, entries[1].Arguments);
        Assert.Equal(1, entries[1].ParentId);
    }

    [Fact]
    public void Reads_threads_memory_cpu_start_time_and_listening_ports()
    {
        File.WriteAllText(Path.Combine(Root, "stat"), "cpu 1 2 3\nbtime 1700000000\n");
        AddProcess(100, "k3sps", 1, ["k3sps", "server", "--data-dir", "/tmp/d"], 100, 101, 102);
        var table = new ProcFileSystem(Root);

        var info = table.ReadDetails(table.ListProcesses().Single())!;

        Assert.Equal("k3sps server --data-dir /tmp/d", info.CommandLine);
        Assert.Equal(3, info.ThreadCount);
        Assert.Equal([100, 101, 102], info.Threads.Select(t => t.Id));
        Assert.Equal("worker-101", info.Threads[1].Name);
        Assert.Equal(ProcessState.Running, info.Threads[1].State);
        Assert.Equal(2048 * 1024, info.WorkingSet);
        Assert.Equal(TimeSpan.FromSeconds(4), info.CpuTime); // 400 ticks at USER_HZ 100
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1700000005).LocalDateTime, info.StartTime);
        Assert.Equal([new ListeningPort("tcp", IPAddress.Loopback, 6443)], info.ListeningPorts);
        Assert.Empty(info.UnreadableFields);
    }

    [Fact]
    public void An_entry_it_may_not_read_leaves_that_field_empty_and_names_it()
    {
        var directory = AddProcess(100, "k3sps", 1, ["k3sps", "server"], 100);
        Directory.Delete(Path.Combine(directory, "fd"), recursive: true);
        File.WriteAllText(Path.Combine(directory, "fd"), "not a directory");
        var table = new ProcFileSystem(Root);

        var info = table.ReadDetails(table.ListProcesses().Single())!;

        Assert.Empty(info.ListeningPorts);
        Assert.Equal(["ListeningPorts"], info.UnreadableFields);
        Assert.Equal(1, info.ThreadCount);
    }

    [Fact]
    public void A_process_that_exited_before_its_details_were_read_is_skipped()
    {
        var directory = AddProcess(100, "k3sps", 1, ["k3sps", "server"], 100);
        var table = new ProcFileSystem(Root);
        var entry = table.ListProcesses().Single();
        Directory.Delete(directory, recursive: true);

        Assert.Null(table.ReadDetails(entry));
    }

    [Fact]
    public void Reads_this_very_process_from_the_real_proc()
    {
        if (!File.Exists("/proc/self/stat"))
            return; // no /proc on this platform: nothing to compare with
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var table = new ProcFileSystem();

        var self = table.ListProcesses().Single(e => e.Id == Environment.ProcessId);
        var info = table.ReadDetails(self)!;

        Assert.Contains(info.ListeningPorts, p => p.Port == port && p.Protocol == "tcp" && p.Address.Equals(IPAddress.Loopback));
        Assert.True(info.ThreadCount > 1);
        Assert.True(info.Threads.Count > 1);
        Assert.Contains(info.Threads, t => t.Id == Environment.ProcessId);
        Assert.True(info.WorkingSet > 1024 * 1024);
        Assert.InRange(info.StartTime!.Value, DateTime.Now.AddHours(-1), DateTime.Now.AddMinutes(1));
    }
}
