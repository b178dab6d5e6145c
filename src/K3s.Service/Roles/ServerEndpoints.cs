using System.Net;
using System.Net.Sockets;
using K3s.Service.Cli;

namespace K3s.Service.Roles;

/// <summary>Where the server listens, the URL its own clients use, and the names its certificate carries.</summary>
internal static class ServerEndpoints
{
    /// <summary>--bind-address (k3s's default: every IPv4 address) and --https-listen-port.</summary>
    public static IPEndPoint Listen(ServerOptions options)
    {
        if (options.HttpsListenPort is < 0 or > 65535)
            throw new FormatException($"invalid --https-listen-port {options.HttpsListenPort}: expected 0 to 65535");
        if (options.BindAddress.Length == 0)
            return new IPEndPoint(IPAddress.Any, options.HttpsListenPort);
        return IPAddress.TryParse(options.BindAddress, out var address)
            ? new IPEndPoint(address, options.HttpsListenPort)
            : throw new FormatException($"invalid --bind-address '{options.BindAddress}': expected an IP address");
    }

    /// <summary>The URL for the admin kubeconfig: loopback when listening everywhere (as k3s writes it), else the bound address.</summary>
    public static string LocalUrl(IPEndPoint listen, int boundPort)
    {
        var host = listen.Address.Equals(IPAddress.Any) ? IPAddress.Loopback
            : listen.Address.Equals(IPAddress.IPv6Any) ? IPAddress.IPv6Loopback
            : listen.Address;
        var text = host.AddressFamily == AddressFamily.InterNetworkV6 ? $"[{host}]" : host.ToString();
        return $"https://{text}:{boundPort}";
    }

    /// <summary>
    /// Where pods reach the API server (the `kubernetes` Service's endpoint): --advertise-address, else
    /// --node-ip, else the bound address; loopback when it listens everywhere and says nothing more.
    /// </summary>
    public static IPEndPoint Advertised(ServerOptions options, IPEndPoint listen, int boundPort)
    {
        foreach (var given in new[] { options.AdvertiseAddress, options.NodeIp })
        {
            if (IPAddress.TryParse(given, out var address))
                return new IPEndPoint(address, boundPort);
        }
        var bound = listen.Address.Equals(IPAddress.Any) || listen.Address.Equals(IPAddress.IPv6Any) ? IPAddress.Loopback : listen.Address;
        return new IPEndPoint(bound, boundPort);
    }

    /// <summary>--service-cidr (k3s's default 10.43.0.0/16).</summary>
    public static IPNetwork ServiceCidr(ServerOptions options) =>
        options.ServiceCidr.Length == 0 ? K3s.Controllers.ClusterSettings.DefaultServiceCidr
        : IPNetwork.TryParse(options.ServiceCidr, out var network) ? network
        : throw new FormatException($"invalid --service-cidr '{options.ServiceCidr}': expected a network such as 10.43.0.0/16");

    /// <summary>
    /// The serving certificate's extra names: the node's name and IP, the advertised and bound
    /// addresses and every --tls-san (the kubernetes.default… names and loopback are always added).
    /// </summary>
    public static IEnumerable<string> CertificateNames(ServerOptions options, IPEndPoint listen)
    {
        var names = new List<string> { Environment.MachineName, options.NodeName, options.NodeIp, options.AdvertiseAddress };
        if (!listen.Address.Equals(IPAddress.Any) && !listen.Address.Equals(IPAddress.IPv6Any))
            names.Add(listen.Address.ToString());
        names.AddRange(options.TlsSan);
        return names.Where(name => name.Length > 0);
    }
}
