using k8s;
using k8s.Models;

namespace K3s.Controllers.Tests;

/// <summary>What the daemon set and stateful set tests create and read.</summary>
internal static class SetTestObjects
{
    /// <summary>A template whose pods go at once when deleted (no kubelet here waits out a grace period).</summary>
    public static V1PodTemplateSpec Template(string app, string image, IDictionary<string, string>? nodeSelector = null) => new()
    {
        Metadata = new V1ObjectMeta { Labels = new Dictionary<string, string> { ["app"] = app } },
        Spec = new V1PodSpec
        {
            Containers = [new V1Container { Name = "main", Image = image }],
            NodeSelector = nodeSelector,
            TerminationGracePeriodSeconds = 0,
        },
    };

    public static V1DaemonSet DaemonSet(string name, string image, IDictionary<string, string> nodeSelector) => new()
    {
        ApiVersion = "apps/v1",
        Kind = "DaemonSet",
        Metadata = new V1ObjectMeta { Name = name },
        Spec = new V1DaemonSetSpec
        {
            Selector = new V1LabelSelector { MatchLabels = new Dictionary<string, string> { ["app"] = name } },
            Template = Template(name, image, nodeSelector),
        },
    };

    public static V1StatefulSet StatefulSet(string name, int replicas, string image, string serviceName, string claim) => new()
    {
        ApiVersion = "apps/v1",
        Kind = "StatefulSet",
        Metadata = new V1ObjectMeta { Name = name },
        Spec = new V1StatefulSetSpec
        {
            Replicas = replicas,
            ServiceName = serviceName,
            Selector = new V1LabelSelector { MatchLabels = new Dictionary<string, string> { ["app"] = name } },
            Template = Template(name, image),
            VolumeClaimTemplates =
            [
                new V1PersistentVolumeClaim
                {
                    Metadata = new V1ObjectMeta { Name = claim },
                    Spec = new V1PersistentVolumeClaimSpec
                    {
                        AccessModes = ["ReadWriteOnce"],
                        Resources = new V1VolumeResourceRequirements { Requests = new Dictionary<string, ResourceQuantity> { ["storage"] = new("1Gi") } },
                    },
                },
            ],
        },
    };

    /// <summary>A JSON merge patch of the given JSON text.</summary>
    public static V1Patch MergePatch(string json) => new(json, V1Patch.PatchType.MergePatch);

    public static async Task<List<Corev1Event>> EventsAboutAsync(Kubernetes client, string @namespace, string name, string reason) =>
        (await client.CoreV1.ListNamespacedEventAsync(@namespace)).Items.Where(item => item.InvolvedObject.Name == name && item.Reason == reason).ToList();
}
