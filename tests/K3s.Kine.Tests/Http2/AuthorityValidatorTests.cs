using System.Text;
using K3s.Kine.Server.Http2;

namespace K3s.Kine.Tests.Http2;

public sealed class AuthorityValidatorTests
{
    [Theory]
    [InlineData("")]
    [InlineData("localhost")]
    [InlineData("127.0.0.1")]
    [InlineData("127.0.0.1:2379")]
    [InlineData("etcd-0.etcd.kube-system.svc:2379")]
    [InlineData("under_score~tilde!$&'()")]
    [InlineData("[::1]")]
    [InlineData("[::1]:2379")]
    [InlineData("[fe80::1:2:3:4]")]
    [InlineData("[1:2:3:4:5:6:7:8]:443")]
    [InlineData("[::ffff:192.168.0.1]")]
    [InlineData("[1:2:3:4:5:6:1.2.3.4]")]
    [InlineData("[1::]")]
    public void Accepts_a_host_and_port(string authority) =>
        Assert.True(AuthorityValidator.IsValidHostAndPort(Encoding.UTF8.GetBytes(authority)));

    [Theory]
    [InlineData("/var/lib/rancher/k3s/server/kine.sock")] // etcdctl and grpc-go on a unix socket
    [InlineData("http://127.0.0.1:2379")] // etcdctl 3.4 with a URL endpoint
    [InlineData("unix:///run/kine.sock")]
    [InlineData("user@host")]
    [InlineData("host:")]
    [InlineData(":2379")]
    [InlineData("host:port")]
    [InlineData("host:80:90")]
    [InlineData("host name")]
    [InlineData("a%20b")] // RFC 3986 allows it, Kestrel does not
    [InlineData("a+b")]
    [InlineData("h\u00f6st")]
    [InlineData("[::]")] // Kestrel wants at least [::1]
    [InlineData("[::1")]
    [InlineData("[::1]x")]
    [InlineData("[1:2:3:4:5:6:7]")]
    [InlineData("[1:2:3:4:5:6:7:8:9]")]
    [InlineData("[1::2::3]")]
    [InlineData("[12345::]")]
    [InlineData("[::g]")]
    [InlineData("[fe80::1%25eth0]")]
    [InlineData("[::1.2.3.256]")]
    [InlineData("[::1.2.3.04]")]
    [InlineData("[1.2.3.4::]")]
    [InlineData("[v1.fe]")]
    public void Refuses_anything_else(string authority) =>
        Assert.False(AuthorityValidator.IsValidHostAndPort(Encoding.UTF8.GetBytes(authority)));
}
