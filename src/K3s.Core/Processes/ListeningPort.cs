using System.Net;

namespace K3s.Core.Processes;

/// <summary>A socket a process listens on (TCP) or is bound to without a peer (UDP).</summary>
public sealed record ListeningPort(string Protocol, IPAddress Address, int Port)
{
    public override string ToString() =>
        Address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6
            ? $"{Protocol} [{Address}]:{Port}"
            : $"{Protocol} {Address}:{Port}";
}
