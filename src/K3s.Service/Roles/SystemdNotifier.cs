using System.Net.Sockets;
using System.Text;

namespace K3s.Service.Roles;

/// <summary>
/// sd_notify: tells systemd (a unit of Type=notify) that the server is ready or stopping, by a datagram
/// to $NOTIFY_SOCKET. Without that variable (not under systemd) it does nothing.
/// </summary>
public static class SystemdNotifier
{
    public static void Notify(string state)
    {
        var path = Environment.GetEnvironmentVariable("NOTIFY_SOCKET");
        if (string.IsNullOrEmpty(path) || !Socket.OSSupportsUnixDomainSockets)
            return;
        // A leading '@' names a socket in the abstract namespace.
        var endpoint = new UnixDomainSocketEndPoint(path[0] == '@' ? "\0" + path[1..] : path);
        try
        {
            using var socket = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
            socket.SendTo(Encoding.UTF8.GetBytes(state), endpoint);
        }
        catch (SocketException)
        {
            // systemd went away or the socket is not ours to use: the server runs on regardless.
        }
    }
}
