using k8s;
using k8s.Models;

namespace K3s.Controllers.Runtime;

/// <summary>List and watch sources across all namespaces for the kinds the workload controllers follow.</summary>
public static class WorkloadSources
{
    public static ListWatch<V1Deployment> Deployments(Kubernetes client) => new(
        async cancellationToken =>
        {
            var list = await client.AppsV1.ListDeploymentForAllNamespacesAsync(cancellationToken: cancellationToken);
            return new ListResult<V1Deployment>(list.Items.ToList(), list.Metadata.ResourceVersion);
        },
        (resourceVersion, cancellationToken) => client.AppsV1.WatchListDeploymentForAllNamespacesAsync(resourceVersion: resourceVersion, cancellationToken: cancellationToken));

    public static ListWatch<V1ReplicaSet> ReplicaSets(Kubernetes client) => new(
        async cancellationToken =>
        {
            var list = await client.AppsV1.ListReplicaSetForAllNamespacesAsync(cancellationToken: cancellationToken);
            return new ListResult<V1ReplicaSet>(list.Items.ToList(), list.Metadata.ResourceVersion);
        },
        (resourceVersion, cancellationToken) => client.AppsV1.WatchListReplicaSetForAllNamespacesAsync(resourceVersion: resourceVersion, cancellationToken: cancellationToken));

    public static ListWatch<V1DaemonSet> DaemonSets(Kubernetes client) => new(
        async cancellationToken =>
        {
            var list = await client.AppsV1.ListDaemonSetForAllNamespacesAsync(cancellationToken: cancellationToken);
            return new ListResult<V1DaemonSet>(list.Items.ToList(), list.Metadata.ResourceVersion);
        },
        (resourceVersion, cancellationToken) => client.AppsV1.WatchListDaemonSetForAllNamespacesAsync(resourceVersion: resourceVersion, cancellationToken: cancellationToken));

    public static ListWatch<V1StatefulSet> StatefulSets(Kubernetes client) => new(
        async cancellationToken =>
        {
            var list = await client.AppsV1.ListStatefulSetForAllNamespacesAsync(cancellationToken: cancellationToken);
            return new ListResult<V1StatefulSet>(list.Items.ToList(), list.Metadata.ResourceVersion);
        },
        (resourceVersion, cancellationToken) => client.AppsV1.WatchListStatefulSetForAllNamespacesAsync(resourceVersion: resourceVersion, cancellationToken: cancellationToken));

    public static ListWatch<V1ControllerRevision> ControllerRevisions(Kubernetes client) => new(
        async cancellationToken =>
        {
            var list = await client.AppsV1.ListControllerRevisionForAllNamespacesAsync(cancellationToken: cancellationToken);
            return new ListResult<V1ControllerRevision>(list.Items.ToList(), list.Metadata.ResourceVersion);
        },
        (resourceVersion, cancellationToken) => client.AppsV1.WatchListControllerRevisionForAllNamespacesAsync(resourceVersion: resourceVersion, cancellationToken: cancellationToken));

    public static ListWatch<V1Job> Jobs(Kubernetes client) => new(
        async cancellationToken =>
        {
            var list = await client.BatchV1.ListJobForAllNamespacesAsync(cancellationToken: cancellationToken);
            return new ListResult<V1Job>(list.Items.ToList(), list.Metadata.ResourceVersion);
        },
        (resourceVersion, cancellationToken) => client.BatchV1.WatchListJobForAllNamespacesAsync(resourceVersion: resourceVersion, cancellationToken: cancellationToken));

    public static ListWatch<V1CronJob> CronJobs(Kubernetes client) => new(
        async cancellationToken =>
        {
            var list = await client.BatchV1.ListCronJobForAllNamespacesAsync(cancellationToken: cancellationToken);
            return new ListResult<V1CronJob>(list.Items.ToList(), list.Metadata.ResourceVersion);
        },
        (resourceVersion, cancellationToken) => client.BatchV1.WatchListCronJobForAllNamespacesAsync(resourceVersion: resourceVersion, cancellationToken: cancellationToken));
}
