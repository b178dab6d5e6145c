using k8s.Models;

namespace K3s.Controllers.Scheduling;

/// <summary>A node as one scheduling decision sees it: the node, the pods on it and what they request together.</summary>
public sealed class NodeState(V1Node node)
{
    private readonly List<V1Pod> pods = [];

    public V1Node Node { get; } = node;

    public string Name => Node.Metadata.Name;

    public IReadOnlyList<V1Pod> Pods => pods;

    /// <summary>The requests of the pods on the node, by resource name.</summary>
    public Dictionary<string, decimal> Requested { get; } = [];

    /// <summary>Cpu and memory as scoring counts them (pods without requests count the defaults).</summary>
    public decimal CpuForScoring { get; private set; }

    public decimal MemoryForScoring { get; private set; }

    public IDictionary<string, string> Labels => Node.Metadata.Labels ?? new Dictionary<string, string>();

    public decimal Allocatable(string resource)
    {
        var amounts = Node.Status?.Allocatable ?? Node.Status?.Capacity;
        return amounts is not null && amounts.TryGetValue(resource, out var quantity) ? PodRequests.Amount(quantity) : 0;
    }

    public void Add(V1Pod pod)
    {
        pods.Add(pod);
        foreach (var (name, amount) in PodRequests.Of(pod.Spec))
            Requested[name] = Requested.GetValueOrDefault(name) + amount;
        var (cpu, memory) = PodRequests.ForScoring(pod.Spec);
        CpuForScoring += cpu;
        MemoryForScoring += memory;
    }
}
