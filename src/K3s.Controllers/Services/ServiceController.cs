using System.Net;
using k8s;
using k8s.Autorest;
using k8s.Models;
using K3s.Controllers.Runtime;
using Microsoft.Extensions.Logging;

namespace K3s.Controllers.Services;

/// <summary>
/// Gives Services what the API server leaves to it: a cluster IP from the service network (not to
/// headless or ExternalName services) and a node port from 30000-32767 to each port of a NodePort or
/// LoadBalancer service that has none. What is taken is read from every service the informer holds,
/// so a restart carries on without duplicates; the one worker remembers what it handed out until
/// the cache shows it, and a write that lost a race (409) is tried again from a fresh read.
/// </summary>
public sealed class ServiceController : IReconciler
{
    private readonly Kubernetes client;
    private readonly ServiceNetwork network;
    private readonly Informer<V1Service> services;
    private readonly WorkQueue queue = new();
    private readonly ILogger logger;

    /// <summary>Addresses and ports handed out (service key → them) that the cache does not show yet.</summary>
    private readonly Dictionary<string, (string? Address, List<int> Ports)> handedOut = [];

    public ServiceController(Kubernetes client, ServiceNetwork network, ILoggerFactory loggers, TimeSpan resyncPeriod)
    {
        this.client = client;
        this.network = network;
        logger = loggers.CreateLogger<ServiceController>();
        services = new Informer<V1Service>(ClusterSources.Services(client), resyncPeriod, loggers.CreateLogger<Informer<V1Service>>());
        services.Subscribe(queue.Add);
    }

    public Task RunAsync(CancellationToken cancellationToken) => Task.WhenAll(
        services.RunAsync(cancellationToken),
        new ControllerLoop("service controller", queue, this, logger, workers: 1).RunAsync(cancellationToken));

    public async Task<TimeSpan?> ReconcileAsync(string key, CancellationToken cancellationToken)
    {
        await services.Synced.WaitAsync(cancellationToken);
        if (!services.TryGet(key, out var cached) || !NeedsAllocation(cached))
        {
            handedOut.Remove(key);
            return null;
        }
        V1Service current;
        try
        {
            current = await client.CoreV1.ReadNamespacedServiceAsync(cached.Metadata.Name, cached.Metadata.NamespaceProperty, cancellationToken: cancellationToken);
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.NotFound)
        {
            handedOut.Remove(key);
            return null;
        }
        if (!NeedsAllocation(current))
            return null;

        handedOut.Remove(key);
        var address = NeedsAddress(current) ? AllocateAddress(key) : null;
        var ports = new List<int>();
        if (NeedsNodePorts(current))
        {
            var used = UsedNodePorts(key);
            foreach (var port in current.Spec.Ports.Where(port => port.NodePort is null or 0))
            {
                port.NodePort = NodePortRange.Allocate(used) ?? throw new InvalidOperationException("no node port is free in 30000-32767");
                used.Add(port.NodePort.Value);
                ports.Add(port.NodePort.Value);
            }
        }
        if (address is not null)
        {
            current.Spec.ClusterIP = address;
            current.Spec.ClusterIPs = [address];
        }
        handedOut[key] = (address, ports);
        await client.CoreV1.ReplaceNamespacedServiceAsync(current, current.Metadata.Name, current.Metadata.NamespaceProperty, cancellationToken: cancellationToken);
        logger.LogInformation("service {Service}: cluster IP {Address}{Ports}", key, current.Spec.ClusterIP,
            ports.Count > 0 ? $", node ports {string.Join(", ", ports)}" : "");
        return null;
    }

    private string AllocateAddress(string key)
    {
        var used = services.Items.Where(service => ObjectKey.Of(service) != key)
            .SelectMany(service => (service.Spec?.ClusterIPs ?? []).Append(service.Spec?.ClusterIP))
            .Concat(handedOut.Where(entry => entry.Key != key).Select(entry => entry.Value.Address))
            .Select(text => IPAddress.TryParse(text, out var parsed) ? parsed.ToString() : null)
            .OfType<string>()
            .ToHashSet();
        return network.Allocate(used)?.ToString() ?? throw new InvalidOperationException($"no address is free in the service network {network.Cidr}");
    }

    private HashSet<int> UsedNodePorts(string key) =>
        services.Items.Where(service => ObjectKey.Of(service) != key)
            .SelectMany(service => service.Spec?.Ports ?? [])
            .Select(port => port.NodePort ?? 0)
            .Concat(handedOut.Where(entry => entry.Key != key).SelectMany(entry => entry.Value.Ports))
            .Where(port => port > 0)
            .ToHashSet();

    private static bool NeedsAllocation(V1Service service) => NeedsAddress(service) || NeedsNodePorts(service);

    private static bool NeedsAddress(V1Service service) =>
        service.Spec is { Type: not "ExternalName" } spec && string.IsNullOrEmpty(spec.ClusterIP);

    private static bool NeedsNodePorts(V1Service service) =>
        service.Spec is { Type: "NodePort" or "LoadBalancer" } spec && (spec.Ports ?? []).Any(port => port.NodePort is null or 0);
}
