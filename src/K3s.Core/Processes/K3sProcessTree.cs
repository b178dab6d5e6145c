namespace K3s.Core.Processes;

/// <summary>
/// The processes of the K3sPs and k3s nodes on a host: each node's head process (server,
/// agent, datastore) and everything below it, in depth-first order as pstree prints it.
/// </summary>
public sealed class K3sProcessTree
{
    public sealed record Node(ProcessEntry Process, ProcessRole Role, int Depth, IReadOnlyList<int> ChildIds);

    private readonly Dictionary<int, int> indexById = [];

    public IReadOnlyList<Node> Nodes { get; }

    private K3sProcessTree(List<Node> nodes)
    {
        Nodes = nodes;
        for (var i = 0; i < nodes.Count; i++)
            indexById[nodes[i].Process.Id] = i;
    }

    public bool Contains(int id) => indexById.ContainsKey(id);

    /// <summary>The node with this id and all below it, depth-first.</summary>
    public IEnumerable<Node> Subtree(int id)
    {
        if (!indexById.TryGetValue(id, out var index))
            yield break;
        var top = Nodes[index];
        yield return top;
        // Depth-first order puts a node's descendants right after it, deeper than it.
        for (var i = index + 1; i < Nodes.Count && Nodes[i].Depth > top.Depth; i++)
            yield return Nodes[i];
    }

    public static K3sProcessTree Build(IReadOnlyList<ProcessEntry> processes)
    {
        var byId = processes.ToDictionary(p => p.Id);
        var childrenOf = processes.ToLookup(p => p.ParentId);
        var shimsByAddress = processes.Where(ProcessRoles.IsShim)
            .Where(shim => ProcessRoles.ShimAddress(shim) is not null)
            .ToLookup(shim => ProcessRoles.ShimAddress(shim)!);

        var nodes = new List<Node>();
        var visited = new HashSet<int>();

        void Visit(ProcessEntry process, ProcessRole role, int depth, bool belowShim)
        {
            var index = nodes.Count;
            nodes.Add(null!); // placeholder: its children are known only after the walk below
            var children = childrenOf[process.Id].AsEnumerable();
            if (ProcessRoles.IsContainerd(process))
                children = children.Concat(shimsByAddress[ProcessRoles.ContainerdAddress(process)]);
            var childIds = new List<int>();
            foreach (var child in children.OrderBy(c => c.Id))
            {
                if (!visited.Add(child.Id))
                    continue;
                childIds.Add(child.Id);
                var childBelowShim = belowShim || role == ProcessRole.Shim;
                var childRole = ProcessRoles.RootRole(child) ?? ProcessRoles.DescendantRole(child, childBelowShim);
                Visit(child, childRole, depth + 1, childBelowShim);
            }
            nodes[index] = new Node(process, role, depth, childIds);
        }

        foreach (var process in processes.OrderBy(p => p.Id))
        {
            if (ProcessRoles.RootRole(process) is { } role && !HasRootAncestor(process, byId) && visited.Add(process.Id))
                Visit(process, role, 0, belowShim: false);
        }
        return new K3sProcessTree(nodes);
    }

    private static bool HasRootAncestor(ProcessEntry process, Dictionary<int, ProcessEntry> byId)
    {
        var seen = new HashSet<int> { process.Id };
        for (var id = process.ParentId; byId.TryGetValue(id, out var ancestor) && seen.Add(id); id = ancestor.ParentId)
        {
            if (ProcessRoles.RootRole(ancestor) is not null)
                return true;
        }
        return false;
    }
}
