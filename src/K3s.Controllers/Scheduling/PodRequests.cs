using System.Runtime.CompilerServices;
using k8s.Models;

namespace K3s.Controllers.Scheduling;

/// <summary>
/// What a pod asks of a node, as the scheduler counts it: the larger of the sum of its containers'
/// requests and each init container's (init containers run one at a time, before the others), plus
/// the pod overhead. Worked out once per pod spec: every decision counts every pod in the cluster,
/// and reading a quantity is not cheap.
/// </summary>
public static class PodRequests
{
    public const string Cpu = "cpu";
    public const string Memory = "memory";
    public const string Pods = "pods";

    /// <summary>Upstream's stand-ins, when scoring only, for a container without requests: 0.1 core and 200 MiB.</summary>
    public const decimal DefaultCpuForScoring = 0.1m;
    public const decimal DefaultMemoryForScoring = 200m * 1024 * 1024;

    private sealed record Demand(IReadOnlyDictionary<string, decimal> Requests, decimal CpuForScoring, decimal MemoryForScoring);

    private static readonly ConditionalWeakTable<V1PodSpec, Demand> Demands = new();

    public static IReadOnlyDictionary<string, decimal> Of(V1PodSpec spec) => DemandOf(spec).Requests;

    /// <summary>Cpu and memory for scoring: a container that requests none counts the defaults, so empty pods still spread.</summary>
    public static (decimal Cpu, decimal Memory) ForScoring(V1PodSpec spec) => (DemandOf(spec).CpuForScoring, DemandOf(spec).MemoryForScoring);

    private static Demand DemandOf(V1PodSpec spec) => Demands.GetValue(spec, _ =>
    {
        var (cpu, memory) = Scoring(spec);
        return new Demand(Sum(spec), cpu, memory);
    });

    private static Dictionary<string, decimal> Sum(V1PodSpec spec)
    {
        var total = new Dictionary<string, decimal>();
        foreach (var container in spec.Containers ?? [])
            foreach (var (name, amount) in Requests(container))
                total[name] = total.GetValueOrDefault(name) + amount;
        foreach (var init in spec.InitContainers ?? [])
            foreach (var (name, amount) in Requests(init))
                total[name] = Math.Max(total.GetValueOrDefault(name), amount);
        foreach (var (name, amount) in spec.Overhead ?? new Dictionary<string, ResourceQuantity>())
            total[name] = total.GetValueOrDefault(name) + Amount(amount);
        return total;
    }

    private static (decimal Cpu, decimal Memory) Scoring(V1PodSpec spec)
    {
        decimal cpu = 0, memory = 0;
        foreach (var container in spec.Containers ?? [])
        {
            var requests = Requests(container);
            cpu += requests.TryGetValue(Cpu, out var c) && c > 0 ? c : DefaultCpuForScoring;
            memory += requests.TryGetValue(Memory, out var m) && m > 0 ? m : DefaultMemoryForScoring;
        }
        return (cpu, memory);
    }

    /// <summary>A container's requests; a limit without a request counts as the request, as the API server defaults it.</summary>
    private static Dictionary<string, decimal> Requests(V1Container container)
    {
        var result = new Dictionary<string, decimal>();
        foreach (var (name, amount) in container.Resources?.Limits ?? new Dictionary<string, ResourceQuantity>())
            result[name] = Amount(amount);
        foreach (var (name, amount) in container.Resources?.Requests ?? new Dictionary<string, ResourceQuantity>())
            result[name] = Amount(amount);
        return result;
    }

    /// <summary>A quantity the API server accepted; an unreadable one counts as nothing rather than stopping the scheduler.</summary>
    public static decimal Amount(ResourceQuantity? quantity) =>
        quantity is not null && Quantity.TryParse(quantity.ToString(), out var value) ? value : 0;
}
