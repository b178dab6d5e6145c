using k8s.Models;

namespace K3s.Controllers.Endpoints;

/// <summary>A service port as one pod serves it: the target port resolved to the pod's number.</summary>
public sealed record BackendPort(string Name, int Port, string Protocol);

/// <summary>A pod behind a service: its address, whether it serves, and the ports it serves on.</summary>
public sealed record Backend(V1Pod Pod, string Address, bool Ready, bool Serving, bool Terminating, IReadOnlyList<BackendPort> Ports)
{
    /// <summary>Pods with the same ports go in one Endpoints subset and one EndpointSlice.</summary>
    public string PortsKey => string.Join(",", Ports.Select(port => $"{port.Name}:{port.Port}/{port.Protocol}"));

    public V1ObjectReference TargetRef => new()
    {
        Kind = "Pod",
        NamespaceProperty = Pod.Metadata.NamespaceProperty,
        Name = Pod.Metadata.Name,
        Uid = Pod.Metadata.Uid,
    };
}
