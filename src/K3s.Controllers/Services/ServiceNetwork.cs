using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace K3s.Controllers.Services;

/// <summary>
/// The --service-cidr range (IPv4) that cluster IPs come from. Its network address is never given,
/// nor its last (broadcast) address; the first address after the network address is the
/// <c>kubernetes</c> Service's, so allocation starts after it.
/// </summary>
public sealed class ServiceNetwork
{
    private readonly uint network;
    private readonly uint size;

    public ServiceNetwork(IPNetwork cidr)
    {
        if (cidr.BaseAddress.AddressFamily != AddressFamily.InterNetwork)
            throw new ArgumentException($"service CIDR {cidr} is not IPv4; only IPv4 service networks are supported");
        if (cidr.PrefixLength > 29)
            throw new ArgumentException($"service CIDR {cidr} is too small: at least a /29 is needed");
        Cidr = cidr;
        network = ToNumber(cidr.BaseAddress);
        size = 1u << (32 - cidr.PrefixLength);
    }

    public IPNetwork Cidr { get; }

    /// <summary>The <c>kubernetes</c> Service's address, 10.43.0.1 in the default 10.43.0.0/16.</summary>
    public IPAddress KubernetesServiceAddress => FromNumber(network + 1);

    /// <summary>
    /// A free address, tried from a random place in the range onwards (so two allocators that
    /// race rarely pick the same one), or null when every address is taken.
    /// </summary>
    public IPAddress? Allocate(IReadOnlySet<string> used)
    {
        // Offsets 2 .. size-2: not the network, not the kubernetes Service, not the broadcast address.
        var candidates = size - 3;
        var start = (uint)Random.Shared.NextInt64(candidates);
        for (uint i = 0; i < candidates; i++)
        {
            var address = FromNumber(network + 2 + (start + i) % candidates);
            if (!used.Contains(address.ToString()))
                return address;
        }
        return null;
    }

    private static uint ToNumber(IPAddress address) => BinaryPrimitives.ReadUInt32BigEndian(address.GetAddressBytes());

    private static IPAddress FromNumber(uint number)
    {
        var bytes = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(bytes, number);
        return new IPAddress(bytes);
    }
}
