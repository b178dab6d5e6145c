using System.Net;
using k8s;
using k8s.Autorest;
using k8s.Models;
using K3s.Controllers.Runtime;
using Microsoft.Extensions.Logging;

namespace K3s.Controllers.Endpoints;

/// <summary>
/// Keeps the Endpoints and the EndpointSlices of every service with a selector in line with the
/// pods it selects (upstream's endpoints and endpointslice controllers in one: both read the same
/// pods). A pod change looks again at the services of its namespace; a service gone takes its
/// Endpoints and its slices with it. Services without a selector are left to whoever manages
/// their endpoints (the bootstrap writes the <c>kubernetes</c> Service's).
/// </summary>
public sealed class EndpointsController : IReconciler
{
    private readonly Kubernetes client;
    private readonly Informer<V1Service> services;
    private readonly Informer<V1Pod> pods;
    private readonly WorkQueue queue = new();
    private readonly ILogger logger;

    public EndpointsController(Kubernetes client, SharedInformers informers, ILoggerFactory loggers)
    {
        this.client = client;
        logger = loggers.CreateLogger<EndpointsController>();
        services = informers.Services;
        pods = informers.Pods;
        services.Subscribe(queue.Add);
        pods.Subscribe(OnPodChanged);
    }

    public Task RunAsync(CancellationToken cancellationToken) =>
        new ControllerLoop("endpoints controller", queue, this, logger, workers: 2).RunAsync(cancellationToken);

    public async Task<TimeSpan?> ReconcileAsync(string key, CancellationToken cancellationToken)
    {
        await Task.WhenAll(services.Synced, pods.Synced).WaitAsync(cancellationToken);
        var (@namespace, name) = ObjectKey.Split(key);
        if (!services.TryGet(key, out var service))
        {
            await DeleteAsync(@namespace, name, cancellationToken);
            return null;
        }
        if (service.Spec?.Selector is not { Count: > 0 } || service.Spec.Type == "ExternalName")
            return null;
        var backends = ServiceBackends.Of(service, pods.Items);
        await ApplyEndpointsAsync(EndpointsBuilder.Build(service, backends), cancellationToken);
        await ApplySlicesAsync(service, EndpointSliceBuilder.Build(service, backends), cancellationToken);
        return null;
    }

    private async Task ApplyEndpointsAsync(V1Endpoints desired, CancellationToken cancellationToken)
    {
        var (@namespace, name) = (desired.Metadata.NamespaceProperty, desired.Metadata.Name);
        V1Endpoints current;
        try
        {
            current = await client.CoreV1.ReadNamespacedEndpointsAsync(name, @namespace, cancellationToken: cancellationToken);
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.NotFound)
        {
            await client.CoreV1.CreateNamespacedEndpointsAsync(desired, @namespace, cancellationToken: cancellationToken);
            return;
        }
        if (Same(current.Subsets, desired.Subsets) && Same(current.Metadata.Labels, desired.Metadata.Labels))
            return;
        current.Subsets = desired.Subsets;
        current.Metadata.Labels = desired.Metadata.Labels;
        // A conflict (someone wrote it meanwhile) throws and the key is tried again from fresh reads.
        await client.CoreV1.ReplaceNamespacedEndpointsAsync(current, name, @namespace, cancellationToken: cancellationToken);
    }

    /// <summary>
    /// Each desired slice updates the slice with the same ports, else takes over a slice no longer
    /// needed (so the empty placeholder becomes the first real slice, and readers never see both),
    /// else is created; slices left over are deleted.
    /// </summary>
    private async Task ApplySlicesAsync(V1Service service, List<V1EndpointSlice> desired, CancellationToken cancellationToken)
    {
        var @namespace = service.Metadata.NamespaceProperty;
        var existing = (await ListSlicesAsync(@namespace, service.Metadata.Name, cancellationToken)).ToList();
        var unmatched = new List<V1EndpointSlice>();
        foreach (var slice in desired)
        {
            var same = existing.FirstOrDefault(current => Same(current.Ports, slice.Ports));
            if (same is null)
                unmatched.Add(slice);
            else
            {
                existing.Remove(same);
                await UpdateSliceAsync(same, slice, cancellationToken);
            }
        }
        foreach (var slice in unmatched)
        {
            if (existing.Count == 0)
            {
                await client.DiscoveryV1.CreateNamespacedEndpointSliceAsync(slice, @namespace, cancellationToken: cancellationToken);
                continue;
            }
            var reused = existing[0];
            existing.RemoveAt(0);
            await UpdateSliceAsync(reused, slice, cancellationToken);
        }
        foreach (var stale in existing)
            await DeleteSliceAsync(stale, cancellationToken);
    }

    private async Task UpdateSliceAsync(V1EndpointSlice current, V1EndpointSlice desired, CancellationToken cancellationToken)
    {
        if (Same(current.Endpoints, desired.Endpoints) && Same(current.Ports, desired.Ports) && Same(current.Metadata.Labels, desired.Metadata.Labels))
            return;
        desired.Metadata.Name = current.Metadata.Name;
        desired.Metadata.ResourceVersion = current.Metadata.ResourceVersion;
        await client.DiscoveryV1.ReplaceNamespacedEndpointSliceAsync(desired, desired.Metadata.Name, desired.Metadata.NamespaceProperty, cancellationToken: cancellationToken);
    }

    /// <summary>The service is gone: so are its Endpoints and the slices this controller made for it.</summary>
    private async Task DeleteAsync(string @namespace, string name, CancellationToken cancellationToken)
    {
        try
        {
            await client.CoreV1.DeleteNamespacedEndpointsAsync(name, @namespace, cancellationToken: cancellationToken);
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.NotFound)
        {
        }
        foreach (var slice in await ListSlicesAsync(@namespace, name, cancellationToken))
            await DeleteSliceAsync(slice, cancellationToken);
    }

    private async Task<IList<V1EndpointSlice>> ListSlicesAsync(string @namespace, string service, CancellationToken cancellationToken) =>
        (await client.DiscoveryV1.ListNamespacedEndpointSliceAsync(@namespace,
            labelSelector: $"{EndpointSliceBuilder.ServiceNameLabel}={service},{EndpointSliceBuilder.ManagedByLabel}={EndpointSliceBuilder.ManagedBy}",
            cancellationToken: cancellationToken)).Items;

    private async Task DeleteSliceAsync(V1EndpointSlice slice, CancellationToken cancellationToken)
    {
        try
        {
            await client.DiscoveryV1.DeleteNamespacedEndpointSliceAsync(slice.Metadata.Name, slice.Metadata.NamespaceProperty, cancellationToken: cancellationToken);
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.NotFound)
        {
        }
    }

    /// <summary>A pod's change concerns the services of its namespace (whether its labels matched before or match now).</summary>
    private void OnPodChanged(string podKey)
    {
        var @namespace = ObjectKey.Split(podKey).Namespace;
        foreach (var service in services.Items.Where(service => service.Metadata.NamespaceProperty == @namespace))
            queue.Add(ObjectKey.Of(service));
    }

    /// <summary>Equal as JSON, with an empty list or map the same as none (the server may drop either).</summary>
    private static bool Same<T>(T? current, T? desired) => Json(current) == Json(desired);

    private static string Json<T>(T? value) =>
        value is null or System.Collections.ICollection { Count: 0 } ? "" : KubernetesJson.Serialize(value);
}
