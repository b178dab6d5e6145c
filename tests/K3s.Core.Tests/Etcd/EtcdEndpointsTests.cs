using K3s.Core.Etcd;

namespace K3s.Core.Tests.Etcd;

public sealed class EtcdEndpointsTests
{
    [Theory]
    [InlineData("http://127.0.0.1:2379", true)]
    [InlineData("https://etcd-1:2379,https://etcd-2:2379", true)]
    [InlineData("", false)]
    [InlineData(null, false)]
    [InlineData("postgres://k3s@db/k3s", false)]
    [InlineData("sqlite:///var/lib/rancher/k3s/server/db/state.db", false)]
    public void Names_tells_etcd_urls_from_kine_databases(string? endpoint, bool etcd) =>
        Assert.Equal(etcd, EtcdEndpoints.Names(endpoint));

    [Fact]
    public void Parse_splits_comma_separated_urls_in_order() =>
        Assert.Equal(["https://etcd-1:2379/", "https://etcd-2:2379/"],
            EtcdEndpoints.Parse(" https://etcd-1:2379 , https://etcd-2:2379").Select(uri => uri.ToString()));

    [Theory]
    [InlineData("http://127.0.0.1:2379,unix:///run/kine.sock")]
    [InlineData(",")]
    public void Parse_refuses_what_is_not_an_etcd_url(string endpoint) =>
        Assert.Throws<FormatException>(() => EtcdEndpoints.Parse(endpoint));
}
