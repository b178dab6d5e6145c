using System.Security.Cryptography;
using System.Text;
using k8s.Models;

namespace K3s.Controllers.Endpoints;

/// <summary>
/// The discovery.k8s.io/v1 EndpointSlices of a service: IPv4, one slice per set of resolved ports,
/// labelled with the service name and this controller as manager, owned by the service. A service
/// without backends keeps one empty slice, as upstream. Names derive from the service and the
/// ports, so a slice created twice is refused as AlreadyExists rather than duplicated.
/// </summary>
public static class EndpointSliceBuilder
{
    public const string ServiceNameLabel = "kubernetes.io/service-name";
    public const string ManagedByLabel = "endpointslice.kubernetes.io/managed-by";
    public const string ManagedBy = "endpointslice-controller.k8s.io";

    public static List<V1EndpointSlice> Build(V1Service service, IReadOnlyList<Backend> backends)
    {
        var groups = backends.GroupBy(backend => backend.PortsKey).OrderBy(group => group.Key, StringComparer.Ordinal).ToList();
        if (groups.Count == 0)
            return [Slice(service, "", [], [])];
        return groups.Select(group => Slice(service, group.Key, group.First().Ports, group.ToList())).ToList();
    }

    private static V1EndpointSlice Slice(V1Service service, string portsKey, IReadOnlyList<BackendPort> ports, IReadOnlyList<Backend> backends)
    {
        var labels = ServiceLabels.For(service);
        labels[ServiceNameLabel] = service.Metadata.Name;
        labels[ManagedByLabel] = ManagedBy;
        return new V1EndpointSlice
        {
            ApiVersion = "discovery.k8s.io/v1",
            Kind = "EndpointSlice",
            Metadata = new V1ObjectMeta
            {
                Name = $"{service.Metadata.Name}-{Suffix(service.Metadata.Uid + "/" + portsKey)}",
                NamespaceProperty = service.Metadata.NamespaceProperty,
                Labels = labels,
                OwnerReferences =
                [
                    new V1OwnerReference
                    {
                        ApiVersion = "v1", Kind = "Service", Name = service.Metadata.Name, Uid = service.Metadata.Uid,
                        Controller = true, BlockOwnerDeletion = true,
                    },
                ],
            },
            AddressType = "IPv4",
            Endpoints = backends.Select(backend => new V1Endpoint
            {
                Addresses = [backend.Address],
                Conditions = new V1EndpointConditions { Ready = backend.Ready, Serving = backend.Serving, Terminating = backend.Terminating },
                NodeName = backend.Pod.Spec?.NodeName,
                TargetRef = backend.TargetRef,
            }).ToList(),
            Ports = ports.Select(port => new Discoveryv1EndpointPort { Name = port.Name, Port = port.Port, Protocol = port.Protocol }).ToList(),
        };
    }

    /// <summary>Five characters of the kind generateName appends, fixed by the input.</summary>
    private static string Suffix(string input)
    {
        const string alphabet = "bcdfghjklmnpqrstvwxz2456789";
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(input));
        return new string(hash.Take(5).Select(b => alphabet[b % alphabet.Length]).ToArray());
    }
}
