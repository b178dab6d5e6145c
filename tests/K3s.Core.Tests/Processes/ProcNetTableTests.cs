using System.Net;
using K3s.Core.Processes;

namespace K3s.Core.Tests.Processes;

public class ProcNetTableTests
{
    private const string Tcp = """
          sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
           0: 0100007F:1913 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 51234 1 0000000000000000 100 0 0 10 0
           1: 00000000:2802 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 51240 1 0000000000000000 100 0 0 10 0
           2: 0100007F:1913 0100007F:D2F0 01 00000000:00000000 00:00000000 00000000     0        0 51300 1 0000000000000000 20 4 30 10 -1
        """;

    private const string Tcp6 = """
          sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
           0: 00000000000000000000000001000000:2802 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 61000 1 0000000000000000 100 0 0 10 0
        """;

    private const string Udp = """
           sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops
          100: 00000000:2118 00000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 71000 2 0000000000000000 0
          101: 0100007F:A000 0100007F:0035 01 00000000:00000000 00:00000000 00000000     0        0 71001 2 0000000000000000 0
        """;

    [Fact]
    public void Reads_tcp_listeners_and_skips_connections()
    {
        var listeners = ProcNetTable.Parse("tcp", Tcp).ToList();

        Assert.Equal(
            [(51234L, new ListeningPort("tcp", IPAddress.Loopback, 6419)), (51240L, new ListeningPort("tcp", IPAddress.Any, 10242))],
            listeners);
    }

    [Fact]
    public void Reads_ipv6_addresses_word_by_word()
    {
        var (inode, port) = Assert.Single(ProcNetTable.Parse("tcp6", Tcp6));

        Assert.Equal(61000, inode);
        Assert.Equal(IPAddress.IPv6Loopback, port.Address);
        Assert.Equal(10242, port.Port);
        Assert.Equal("tcp6 [::1]:10242", port.ToString());
    }

    [Fact]
    public void Reads_unconnected_udp_sockets_as_bound_ports()
    {
        var (inode, port) = Assert.Single(ProcNetTable.Parse("udp", Udp));

        Assert.Equal(71000, inode);
        Assert.Equal(new ListeningPort("udp", IPAddress.Any, 8472), port);
    }
}
