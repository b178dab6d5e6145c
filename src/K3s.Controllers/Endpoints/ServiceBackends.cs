using K3s.Controllers.Runtime;
using k8s.Models;
using K3s.Controllers.Scheduling;

namespace K3s.Controllers.Endpoints;

/// <summary>
/// The pods a service sends traffic to: those in its namespace its selector matches that have an
/// address and have not finished, each with the service's ports resolved against it (a number as
/// is, a name through the pod's named container ports, for the same protocol).
/// </summary>
public static class ServiceBackends
{
    public static List<Backend> Of(V1Service service, IEnumerable<V1Pod> pods)
    {
        var selector = service.Spec.Selector;
        var publishNotReady = service.Spec.PublishNotReadyAddresses == true;
        var servicePorts = service.Spec.Ports ?? [];
        var backends = new List<Backend>();
        foreach (var pod in pods)
        {
            if (pod.Metadata.NamespaceProperty != service.Metadata.NamespaceProperty
                || !LabelSelectors.MatchesMap(selector, pod.Metadata.Labels)
                || string.IsNullOrEmpty(pod.Status?.PodIP)
                || pod.Status.Phase is "Succeeded" or "Failed")
                continue;
            var ports = servicePorts
                .Select(port => Resolve(port, pod) is { } number ? new BackendPort(port.Name ?? "", number, port.Protocol ?? "TCP") : null)
                .OfType<BackendPort>()
                .ToList();
            // A pod that serves none of the service's ports is no backend of it (unless the service has no ports at all).
            if (servicePorts.Count > 0 && ports.Count == 0)
                continue;
            var terminating = pod.Metadata.DeletionTimestamp is not null;
            var serving = publishNotReady || IsReady(pod);
            backends.Add(new Backend(pod, pod.Status.PodIP, serving && !terminating, serving, terminating, ports));
        }
        return backends.OrderBy(backend => backend.Address, StringComparer.Ordinal).ThenBy(backend => backend.Pod.Metadata.Name, StringComparer.Ordinal).ToList();
    }

    public static bool IsReady(V1Pod pod) =>
        pod.Status?.Conditions?.Any(condition => condition.Type == "Ready" && condition.Status == "True") == true;

    /// <summary>The pod's port number for a service port, or null when a named target port is not one of its container ports.</summary>
    public static int? Resolve(V1ServicePort port, V1Pod pod)
    {
        var target = port.TargetPort?.Value;
        if (string.IsNullOrEmpty(target))
            return port.Port;
        if (int.TryParse(target, out var number))
            return number;
        var protocol = port.Protocol ?? "TCP";
        return (pod.Spec?.Containers ?? [])
            .SelectMany(container => container.Ports ?? [])
            .FirstOrDefault(containerPort => containerPort.Name == target && (containerPort.Protocol ?? "TCP") == protocol)?.ContainerPort;
    }
}
