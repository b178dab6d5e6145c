using System.Text.Json;
using K3s.Kine.Server;
using K3s.Kine.Sql;
using K3s.Kine.Tests.Datastore;

namespace K3s.Kine.Tests.Http2;

/// <summary>
/// The real etcdctl against an in-process <see cref="DatastoreServer"/>, sending the <c>:authority</c>
/// values Kestrel refuses on its own: a unix socket's path, and an endpoint URL.
/// </summary>
public sealed class EtcdctlAuthorityTests : IAsyncLifetime
{
    private readonly TemporaryDirectory directory = new();
    private KineStore store = null!;
    private DatastoreServer server = null!;

    private string Socket => Path.Combine(directory.Path, "kine.sock");

    public async Task InitializeAsync()
    {
        store = await KineStore.OpenAsync(DatastoreEndpoint.Parse("sqlite://" + Path.Combine(directory.Path, "state.db"), directory.Path));
        server = await DatastoreServer.StartAsync(store, ["unix://" + Socket, "127.0.0.1:0"]);
    }

    public async Task DisposeAsync()
    {
        await server.DisposeAsync();
        await store.DisposeAsync();
        directory.Dispose();
    }

    [Fact]
    public async Task Puts_and_gets_over_a_unix_socket()
    {
        var etcdctl = new Etcdctl("unix://" + Socket);

        Assert.Equal("OK\n", await etcdctl.OkAsync("put", "/http2/socket", "value"));
        Assert.Equal("/http2/socket\nvalue\n", await etcdctl.OkAsync("get", "/http2/socket"));
    }

    [Fact]
    public async Task Reports_endpoint_status_for_an_http_url_endpoint()
    {
        var url = server.Addresses.Single(address => address.StartsWith("http://", StringComparison.Ordinal));
        var etcdctl = new Etcdctl(url);

        var status = JsonDocument.Parse(await etcdctl.OkAsync("endpoint", "status", "-w", "json")).RootElement[0];
        Assert.Equal(url, status.GetProperty("Endpoint").GetString());
        Assert.Equal(KineStore.EmulatedEtcdVersion, status.GetProperty("Status").GetProperty("version").GetString());
    }
}
