using k8s;
using k8s.Models;

namespace K3s.Controllers.Runtime;

/// <summary>
/// List-and-watch sources over every namespace for the kinds the scheduler and the service
/// controllers read; an optional field selector narrows one to the objects of a given name.
/// </summary>
public static class ClusterSources
{
    public static ListWatch<V1Pod> Pods(Kubernetes client) => new(
        async cancellationToken =>
        {
            var list = await client.CoreV1.ListPodForAllNamespacesAsync(cancellationToken: cancellationToken);
            return new ListResult<V1Pod>(list.Items.ToList(), list.Metadata.ResourceVersion);
        },
        (resourceVersion, cancellationToken) => client.CoreV1.WatchListPodForAllNamespacesAsync(resourceVersion: resourceVersion, cancellationToken: cancellationToken));

    public static ListWatch<V1Node> Nodes(Kubernetes client) => new(
        async cancellationToken =>
        {
            var list = await client.CoreV1.ListNodeAsync(cancellationToken: cancellationToken);
            return new ListResult<V1Node>(list.Items.ToList(), list.Metadata.ResourceVersion);
        },
        (resourceVersion, cancellationToken) => client.CoreV1.WatchListNodeAsync(resourceVersion: resourceVersion, cancellationToken: cancellationToken));

    public static ListWatch<V1Service> Services(Kubernetes client) => new(
        async cancellationToken =>
        {
            var list = await client.CoreV1.ListServiceForAllNamespacesAsync(cancellationToken: cancellationToken);
            return new ListResult<V1Service>(list.Items.ToList(), list.Metadata.ResourceVersion);
        },
        (resourceVersion, cancellationToken) => client.CoreV1.WatchListServiceForAllNamespacesAsync(resourceVersion: resourceVersion, cancellationToken: cancellationToken));

    public static ListWatch<V1Namespace> Namespaces(Kubernetes client) => new(
        async cancellationToken =>
        {
            var list = await client.CoreV1.ListNamespaceAsync(cancellationToken: cancellationToken);
            return new ListResult<V1Namespace>(list.Items.ToList(), list.Metadata.ResourceVersion);
        },
        (resourceVersion, cancellationToken) => client.CoreV1.WatchListNamespaceAsync(resourceVersion: resourceVersion, cancellationToken: cancellationToken));

    /// <summary>The leases of one namespace (kubelets renew theirs in kube-node-lease).</summary>
    public static ListWatch<V1Lease> Leases(Kubernetes client, string @namespace) => new(
        async cancellationToken =>
        {
            var list = await client.CoordinationV1.ListNamespacedLeaseAsync(@namespace, cancellationToken: cancellationToken);
            return new ListResult<V1Lease>(list.Items.ToList(), list.Metadata.ResourceVersion);
        },
        (resourceVersion, cancellationToken) => client.CoordinationV1.WatchListNamespacedLeaseAsync(@namespace, resourceVersion: resourceVersion, cancellationToken: cancellationToken));

    /// <summary>Service accounts of one name in every namespace (the controller cares only about "default").</summary>
    public static ListWatch<V1ServiceAccount> ServiceAccountsNamed(Kubernetes client, string name) => new(
        async cancellationToken =>
        {
            var list = await client.CoreV1.ListServiceAccountForAllNamespacesAsync(fieldSelector: $"metadata.name={name}", cancellationToken: cancellationToken);
            return new ListResult<V1ServiceAccount>(list.Items.ToList(), list.Metadata.ResourceVersion);
        },
        (resourceVersion, cancellationToken) => client.CoreV1.WatchListServiceAccountForAllNamespacesAsync(
            fieldSelector: $"metadata.name={name}", resourceVersion: resourceVersion, cancellationToken: cancellationToken));

    /// <summary>Config maps of one name in every namespace, so the cache does not hold every config map.</summary>
    public static ListWatch<V1ConfigMap> ConfigMapsNamed(Kubernetes client, string name) => new(
        async cancellationToken =>
        {
            var list = await client.CoreV1.ListConfigMapForAllNamespacesAsync(fieldSelector: $"metadata.name={name}", cancellationToken: cancellationToken);
            return new ListResult<V1ConfigMap>(list.Items.ToList(), list.Metadata.ResourceVersion);
        },
        (resourceVersion, cancellationToken) => client.CoreV1.WatchListConfigMapForAllNamespacesAsync(
            fieldSelector: $"metadata.name={name}", resourceVersion: resourceVersion, cancellationToken: cancellationToken));
}
