using k8s;
using k8s.Models;

namespace K3s.Controllers.Tests;

/// <summary>What the workload tests create and read: namespaces, deployments, and their replica sets and pods.</summary>
internal static class WorkloadTestObjects
{
    public static async Task<string> NamespaceAsync(Kubernetes client, string name)
    {
        await client.CoreV1.CreateNamespaceAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = name } });
        return name;
    }

    public static V1Deployment Deployment(string name, int replicas, string image, string strategy = "RollingUpdate") => new()
    {
        ApiVersion = "apps/v1",
        Kind = "Deployment",
        Metadata = new V1ObjectMeta { Name = name },
        Spec = new V1DeploymentSpec
        {
            Replicas = replicas,
            Strategy = new V1DeploymentStrategy { Type = strategy },
            Selector = new V1LabelSelector { MatchLabels = new Dictionary<string, string> { ["app"] = name } },
            Template = new V1PodTemplateSpec
            {
                Metadata = new V1ObjectMeta { Labels = new Dictionary<string, string> { ["app"] = name } },
                Spec = new V1PodSpec { Containers = [new V1Container { Name = "main", Image = image }] },
            },
        },
    };

    public static async Task<List<V1ReplicaSet>> ReplicaSetsAsync(Kubernetes client, string @namespace) =>
        (await client.AppsV1.ListNamespacedReplicaSetAsync(@namespace)).Items.ToList();

    /// <summary>Pods not being deleted.</summary>
    public static async Task<List<V1Pod>> PodsAsync(Kubernetes client, string @namespace) =>
        (await client.CoreV1.ListNamespacedPodAsync(@namespace)).Items.Where(pod => pod.Metadata.DeletionTimestamp is null).ToList();

    public static bool ControlledBy(V1ObjectMeta metadata, IKubernetesObject<V1ObjectMeta> owner) =>
        metadata.OwnerReferences?.Any(reference => reference.Controller == true && reference.Uid == owner.Metadata.Uid) == true;
}
