using System.Globalization;
using System.Net;

namespace K3s.Core.Processes;

/// <summary>
/// Listening sockets of one network namespace, read from /proc/PID/net/{tcp,tcp6,udp,udp6}
/// and keyed by socket inode, so they can be matched with a process's open file descriptors.
/// </summary>
public static class ProcNetTable
{
    private const string TcpListen = "0A";
    private const string UdpUnconnected = "07";

    /// <summary>Parses one /proc/net table; <paramref name="protocol"/> is its file name (tcp, tcp6, udp, udp6).</summary>
    public static IEnumerable<(long Inode, ListeningPort Port)> Parse(string protocol, string content)
    {
        var listeningState = protocol.StartsWith("tcp", StringComparison.Ordinal) ? TcpListen : UdpUnconnected;
        foreach (var line in content.Split('\n').Skip(1))
        {
            var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length < 10 || fields[3] != listeningState)
                continue;
            var separator = fields[1].IndexOf(':');
            var address = ParseAddress(fields[1][..separator]);
            var port = int.Parse(fields[1][(separator + 1)..], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
            var inode = long.Parse(fields[9], CultureInfo.InvariantCulture);
            if (inode != 0)
                yield return (inode, new ListeningPort(protocol, address, port));
        }
    }

    /// <summary>
    /// The kernel prints an address as 32-bit words in host byte order, so each word's bytes
    /// come back in memory order from BitConverter on the same host.
    /// </summary>
    internal static IPAddress ParseAddress(string hex)
    {
        var bytes = new byte[hex.Length / 2];
        for (var word = 0; word < hex.Length / 8; word++)
        {
            var value = uint.Parse(hex.AsSpan(word * 8, 8), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
            BitConverter.GetBytes(value).CopyTo(bytes, word * 4);
        }
        return new IPAddress(bytes);
    }
}
