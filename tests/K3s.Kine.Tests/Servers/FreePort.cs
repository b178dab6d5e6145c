using System.Net;
using System.Net.Sockets;

namespace K3s.Kine.Tests.Servers;

/// <summary>Free TCP ports on 127.0.0.1, chosen by the kernel, for servers that cannot listen on port 0.</summary>
/// <remarks>
/// A port is free when returned, not reserved: another process may take it before the server binds,
/// which is why <see cref="ServerProcess.RetryOnPortClashAsync{T}"/> exists.
/// </remarks>
public static class FreePort
{
    public static int Next() => Next(1)[0];

    public static IReadOnlyList<int> Next(int count)
    {
        // All listeners stay open until every port is read, so the kernel cannot hand out one port twice.
        var listeners = new List<TcpListener>(count);
        try
        {
            for (var i = 0; i < count; i++)
            {
                var listener = new TcpListener(IPAddress.Loopback, 0);
                listeners.Add(listener);
                listener.Start();
            }

            return [.. listeners.Select(listener => ((IPEndPoint)listener.LocalEndpoint).Port)];
        }
        finally
        {
            foreach (var listener in listeners)
            {
                listener.Stop();
            }
        }
    }
}
