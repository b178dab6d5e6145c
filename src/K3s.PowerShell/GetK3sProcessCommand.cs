using System.Management.Automation;
using K3s.Core.Processes;

namespace K3s.PowerShell;

/// <summary>
/// Lists the processes of the K3sPs and k3s nodes on this host (server, agent, datastore, their
/// containerd, shims and containers) with threads, memory, CPU time and listening ports.
/// </summary>
[Cmdlet(VerbsCommon.Get, "K3sProcess")]
[OutputType(typeof(ProcessInfo))]
public sealed class GetK3sProcessCommand : PSCmdlet
{
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [Alias("ProcessId", "PID")]
    public int[]? Id { get; set; }

    [Parameter(Position = 0)]
    [SupportsWildcards]
    [Alias("ProcessName")]
    public string[]? Name { get; set; }

    [Parameter]
    public ProcessRole[]? Role { get; set; }

    [Parameter]
    public SwitchParameter IncludeChildren { get; set; }

    [Parameter]
    public SwitchParameter Tree { get; set; }

    private IProcessTable table = null!;
    private K3sProcessTree processTree = null!;
    private readonly HashSet<int> requestedIds = [];

    protected override void BeginProcessing()
    {
        table = ProcessTable.ForThisHost();
        processTree = K3sProcessTree.Build(table.ListProcesses());
    }

    protected override void ProcessRecord()
    {
        foreach (var id in Id ?? [])
        {
            if (processTree.Contains(id))
                requestedIds.Add(id);
            else
                WriteError(new ErrorRecord(
                    new ArgumentException($"No K3sPs process has the id {id}."),
                    "K3sProcessNotFound", ErrorCategory.ObjectNotFound, id));
        }
    }

    protected override void EndProcessing()
    {
        var selected = Select();
        // The depth a node gets if listed: the number of listed ancestors, so a filtered tree starts at 0.
        var treeDepth = new Dictionary<int, int>();
        foreach (var node in processTree.Nodes)
        {
            var depth = treeDepth.GetValueOrDefault(node.Process.Id);
            var listed = selected.Contains(node.Process.Id);
            foreach (var childId in node.ChildIds)
                treeDepth[childId] = listed ? depth + 1 : depth;
            if (!listed)
                continue;
            var info = table.ReadDetails(node.Process);
            if (info is null)
                continue; // exited since the listing
            info.Role = node.Role;
            info.ChildIds = node.ChildIds;
            if (Tree)
                info.Depth = depth;
            if (info.UnreadableFields.Count > 0)
                WriteWarning($"Process {info.Id} ({info.Name}): could not read {string.Join(", ", info.UnreadableFields)}; left empty.");
            WriteObject(info);
        }
    }

    private HashSet<int> Select()
    {
        var nodes = processTree.Nodes.AsEnumerable();
        if (Id is not null)
            nodes = nodes.Where(n => requestedIds.Contains(n.Process.Id));
        if (Name is not null)
        {
            var patterns = Name.Select(n => new WildcardPattern(n, WildcardOptions.IgnoreCase)).ToList();
            nodes = nodes.Where(n => patterns.Any(p => p.IsMatch(n.Process.Name)));
            foreach (var literal in Name.Where(n => !WildcardPattern.ContainsWildcardCharacters(n)))
            {
                if (!processTree.Nodes.Any(n => string.Equals(n.Process.Name, literal, StringComparison.OrdinalIgnoreCase)))
                    WriteError(new ErrorRecord(
                        new ArgumentException($"No K3sPs process has the name '{literal}'."),
                        "K3sProcessNotFound", ErrorCategory.ObjectNotFound, literal));
            }
        }
        if (Role is not null)
            nodes = nodes.Where(n => Role.Contains(n.Role));

        var selected = nodes.Select(n => n.Process.Id).ToHashSet();
        if (IncludeChildren)
            selected.UnionWith(selected.ToList().SelectMany(id => processTree.Subtree(id)).Select(n => n.Process.Id));
        return selected;
    }
}
