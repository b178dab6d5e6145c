using System.Net;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace K3s.Controllers.Bootstrap;

/// <summary>
/// The <c>kubernetes</c> Service in default, at the first address of the service network, port 443
/// (https) onto the API server's port, and its Endpoints and EndpointSlice naming the API server's
/// address. The Service is made once; the endpoints follow the server's current address.
/// </summary>
public sealed class KubernetesService(Kubernetes client, IPAddress clusterIp, IPEndPoint apiServer)
{
    public const string Name = "kubernetes";
    public const string Namespace = "default";
    private const string PortName = "https";

    public async Task EnsureAsync(CancellationToken cancellationToken)
    {
        await EnsureServiceAsync(cancellationToken);
        await EnsureEndpointsAsync(cancellationToken);
        await EnsureEndpointSliceAsync(cancellationToken);
    }

    private async Task EnsureServiceAsync(CancellationToken cancellationToken)
    {
        var service = new V1Service
        {
            Metadata = new V1ObjectMeta
            {
                Name = Name,
                NamespaceProperty = Namespace,
                Labels = new Dictionary<string, string> { ["component"] = "apiserver", ["provider"] = "kubernetes" },
            },
            Spec = new V1ServiceSpec
            {
                Type = "ClusterIP",
                ClusterIP = clusterIp.ToString(),
                ClusterIPs = [clusterIp.ToString()],
                SessionAffinity = "None",
                Ports = [new V1ServicePort { Name = PortName, Port = 443, Protocol = "TCP", TargetPort = apiServer.Port }],
            },
        };
        try
        {
            await client.CoreV1.CreateNamespacedServiceAsync(service, Namespace, cancellationToken: cancellationToken);
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.Conflict)
        {
            // Made by an earlier start: its address stays (it cannot change), its port follows the API server's.
            var current = await client.CoreV1.ReadNamespacedServiceAsync(Name, Namespace, cancellationToken: cancellationToken);
            if (KubernetesJson.Serialize(current.Spec.Ports) == KubernetesJson.Serialize(service.Spec.Ports))
                return;
            current.Spec.Ports = service.Spec.Ports;
            await client.CoreV1.ReplaceNamespacedServiceAsync(current, Name, Namespace, cancellationToken: cancellationToken);
        }
    }

    private async Task EnsureEndpointsAsync(CancellationToken cancellationToken)
    {
        List<V1EndpointSubset> subsets =
        [
            new()
            {
                Addresses = [new V1EndpointAddress { Ip = apiServer.Address.ToString() }],
                Ports = [new Corev1EndpointPort { Name = PortName, Port = apiServer.Port, Protocol = "TCP" }],
            },
        ];
        try
        {
            var current = await client.CoreV1.ReadNamespacedEndpointsAsync(Name, Namespace, cancellationToken: cancellationToken);
            if (KubernetesJson.Serialize(current.Subsets) == KubernetesJson.Serialize(subsets))
                return;
            current.Subsets = subsets;
            await client.CoreV1.ReplaceNamespacedEndpointsAsync(current, Name, Namespace, cancellationToken: cancellationToken);
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.NotFound)
        {
            await client.CoreV1.CreateNamespacedEndpointsAsync(new V1Endpoints
            {
                Metadata = new V1ObjectMeta { Name = Name, NamespaceProperty = Namespace },
                Subsets = subsets,
            }, Namespace, cancellationToken: cancellationToken);
        }
    }

    private async Task EnsureEndpointSliceAsync(CancellationToken cancellationToken)
    {
        var slice = new V1EndpointSlice
        {
            Metadata = new V1ObjectMeta
            {
                Name = Name,
                NamespaceProperty = Namespace,
                Labels = new Dictionary<string, string> { ["kubernetes.io/service-name"] = Name },
            },
            AddressType = "IPv4",
            Endpoints = [new V1Endpoint { Addresses = [apiServer.Address.ToString()], Conditions = new V1EndpointConditions { Ready = true } }],
            Ports = [new Discoveryv1EndpointPort { Name = PortName, Port = apiServer.Port, Protocol = "TCP" }],
        };
        try
        {
            var current = await client.DiscoveryV1.ReadNamespacedEndpointSliceAsync(Name, Namespace, cancellationToken: cancellationToken);
            if (KubernetesJson.Serialize(current.Endpoints) == KubernetesJson.Serialize(slice.Endpoints)
                && KubernetesJson.Serialize(current.Ports) == KubernetesJson.Serialize(slice.Ports))
                return;
            slice.Metadata.ResourceVersion = current.Metadata.ResourceVersion;
            await client.DiscoveryV1.ReplaceNamespacedEndpointSliceAsync(slice, Name, Namespace, cancellationToken: cancellationToken);
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.NotFound)
        {
            await client.DiscoveryV1.CreateNamespacedEndpointSliceAsync(slice, Namespace, cancellationToken: cancellationToken);
        }
    }
}
