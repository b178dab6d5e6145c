using k8s.Models;

namespace K3s.Controllers.Endpoints;

/// <summary>
/// The core/v1 Endpoints of a service: one subset per set of resolved ports, serving pods in
/// addresses and the others in notReadyAddresses; pods being deleted are left out unless the
/// service publishes addresses that are not ready.
/// </summary>
public static class EndpointsBuilder
{
    public static V1Endpoints Build(V1Service service, IReadOnlyList<Backend> backends)
    {
        var publishNotReady = service.Spec.PublishNotReadyAddresses == true;
        var subsets = backends
            .Where(backend => !backend.Terminating || publishNotReady)
            .GroupBy(backend => backend.PortsKey)
            .OrderBy(group => group.Key, StringComparer.Ordinal)
            .Select(group => new V1EndpointSubset
            {
                Addresses = Addresses(group.Where(backend => backend.Serving)),
                NotReadyAddresses = Addresses(group.Where(backend => !backend.Serving)),
                Ports = group.First().Ports.Count == 0 ? null : group.First().Ports
                    .Select(port => new Corev1EndpointPort { Name = port.Name.Length > 0 ? port.Name : null, Port = port.Port, Protocol = port.Protocol })
                    .ToList(),
            })
            .ToList();
        return new V1Endpoints
        {
            ApiVersion = "v1",
            Kind = "Endpoints",
            Metadata = new V1ObjectMeta
            {
                Name = service.Metadata.Name,
                NamespaceProperty = service.Metadata.NamespaceProperty,
                Labels = ServiceLabels.For(service),
            },
            Subsets = subsets,
        };
    }

    private static List<V1EndpointAddress>? Addresses(IEnumerable<Backend> backends)
    {
        var addresses = backends.Select(backend => new V1EndpointAddress
        {
            Ip = backend.Address,
            NodeName = backend.Pod.Spec?.NodeName,
            TargetRef = backend.TargetRef,
        }).ToList();
        return addresses.Count == 0 ? null : addresses;
    }
}
