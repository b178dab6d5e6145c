using k8s;
using k8s.Models;

namespace K3s.Controllers.Tests;

/// <summary>Nodes and pods as a kubelet would register and report them, for tests that have no kubelet.</summary>
internal static class TestObjects
{
    public static V1Node Node(string name, string cpu = "4", string memory = "8Gi", int pods = 110, bool ready = true,
        IDictionary<string, string>? labels = null, IList<V1Taint>? taints = null)
    {
        var allocatable = new Dictionary<string, ResourceQuantity>
        {
            ["cpu"] = new(cpu),
            ["memory"] = new(memory),
            ["pods"] = new(pods.ToString()),
        };
        var allLabels = new Dictionary<string, string> { ["kubernetes.io/hostname"] = name, ["kubernetes.io/os"] = "linux" };
        foreach (var (key, value) in labels ?? new Dictionary<string, string>())
            allLabels[key] = value;
        return new V1Node
        {
            Metadata = new V1ObjectMeta { Name = name, Labels = allLabels },
            Spec = new V1NodeSpec { Taints = taints },
            Status = new V1NodeStatus
            {
                Capacity = allocatable,
                Allocatable = allocatable,
                Conditions = [new V1NodeCondition { Type = "Ready", Status = ready ? "True" : "False", Reason = ready ? "KubeletReady" : "KubeletNotReady" }],
            },
        };
    }

    public static V1Pod Pod(string name, string? cpu = null, string? memory = null, IDictionary<string, string>? nodeSelector = null,
        IDictionary<string, string>? labels = null, IList<V1Toleration>? tolerations = null, V1Affinity? affinity = null,
        IList<V1ContainerPort>? ports = null)
    {
        var requests = new Dictionary<string, ResourceQuantity>();
        if (cpu is not null)
            requests["cpu"] = new ResourceQuantity(cpu);
        if (memory is not null)
            requests["memory"] = new ResourceQuantity(memory);
        return new V1Pod
        {
            Metadata = new V1ObjectMeta { Name = name, Labels = labels },
            Spec = new V1PodSpec
            {
                Containers =
                [
                    new V1Container
                    {
                        Name = "main",
                        Image = "busybox",
                        Resources = requests.Count > 0 ? new V1ResourceRequirements { Requests = requests } : null,
                        Ports = ports,
                    },
                ],
                NodeSelector = nodeSelector,
                Tolerations = tolerations,
                Affinity = affinity,
            },
        };
    }

    /// <summary>
    /// Reports a pod running at an address, Ready or not, through /status as its kubelet would; read
    /// again and retried when the scheduler wrote the status in between (409).
    /// </summary>
    public static async Task ReportRunningAsync(Kubernetes client, string @namespace, string name, string podIp, bool ready)
    {
        for (var attempt = 1; ; attempt++)
        {
            var pod = await client.CoreV1.ReadNamespacedPodAsync(name, @namespace);
            pod.Status.Phase = "Running";
            pod.Status.PodIP = podIp;
            pod.Status.PodIPs = [new V1PodIP { Ip = podIp }];
            pod.Status.Conditions = (pod.Status.Conditions ?? []).Where(condition => condition.Type != "Ready")
                .Append(new V1PodCondition { Type = "Ready", Status = ready ? "True" : "False" })
                .ToList();
            try
            {
                await client.CoreV1.ReplaceNamespacedPodStatusAsync(pod, name, @namespace);
                return;
            }
            catch (k8s.Autorest.HttpOperationException e) when (e.Response.StatusCode == System.Net.HttpStatusCode.Conflict && attempt < 10)
            {
            }
        }
    }

    public static async Task CreateNamespaceAsync(Kubernetes client, string name) =>
        await client.CoreV1.CreateNamespaceAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = name } });
}
