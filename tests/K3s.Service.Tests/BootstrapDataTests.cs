using K3s.Core.Datastore;
using K3s.Core.Tls;
using K3s.Kine;
using K3s.Kine.Sql;
using K3s.Service.Roles;
using K3s.Tests;

namespace K3s.Service.Tests;

/// <summary>Servers on one datastore share the first one's certificate authorities, given the same token.</summary>
public sealed class BootstrapDataTests
{
    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task A_second_server_with_the_same_token_restores_the_first_ones_authorities()
    {
        using var datastoreDir = new TemporaryDirectory();
        using var first = new TemporaryDirectory();
        using var second = new TemporaryDirectory();
        await using var store = await KineStore.OpenAsync(DatastoreEndpoint.Parse(null, datastoreDir.Path));

        await BootstrapData.SyncAsync(store, first.Path, "shared-secret", CancellationToken.None);
        await BootstrapData.SyncAsync(store, second.Path, "shared-secret", CancellationToken.None);
        await BootstrapData.SyncAsync(store, first.Path, "shared-secret", CancellationToken.None);

        foreach (var name in ClusterCertificates.AuthorityFiles)
            Assert.Equal(Read(first, name), Read(second, name));
        using var firstCertificates = ClusterCertificates.Ensure(first.Path, []);
        using var secondCertificates = ClusterCertificates.Ensure(second.Path, []);
        Assert.True(firstCertificates.ServerCa.Signed(secondCertificates.Serving));
        Assert.Equal("600", UnixMode(Path.Combine(ClusterCertificates.DirectoryOf(second.Path), "server-ca.key")));
    }

    [Fact]
    public async Task A_server_that_made_its_own_authorities_takes_the_clusters_and_reissues_what_they_sign()
    {
        using var datastoreDir = new TemporaryDirectory();
        using var first = new TemporaryDirectory();
        using var joining = new TemporaryDirectory();
        await using var store = await KineStore.OpenAsync(DatastoreEndpoint.Parse(null, datastoreDir.Path));
        await BootstrapData.SyncAsync(store, first.Path, "shared-secret", CancellationToken.None);
        using (ClusterCertificates.Ensure(joining.Path, ["10.0.0.9"]))
        {
        }

        await BootstrapData.SyncAsync(store, joining.Path, "shared-secret", CancellationToken.None);

        Assert.Equal(Read(first, "server-ca.crt"), Read(joining, "server-ca.crt"));
        using var clusterCertificates = ClusterCertificates.Ensure(first.Path, []);
        using var reissued = ClusterCertificates.Ensure(joining.Path, ["10.0.0.9"]);
        Assert.True(clusterCertificates.ServerCa.Signed(reissued.Serving));
        Assert.True(clusterCertificates.ClientCa.Signed(reissued.Admin));
    }

    [Fact]
    public async Task Another_token_is_refused_and_writes_nothing()
    {
        using var datastoreDir = new TemporaryDirectory();
        using var first = new TemporaryDirectory();
        using var stranger = new TemporaryDirectory();
        await using var store = await KineStore.OpenAsync(DatastoreEndpoint.Parse(null, datastoreDir.Path));
        await BootstrapData.SyncAsync(store, first.Path, "shared-secret", CancellationToken.None);

        var refused = await Assert.ThrowsAsync<DatastoreAccessException>(() => BootstrapData.SyncAsync(store, stranger.Path, "another-secret", CancellationToken.None));

        Assert.Equal(DatastoreAccessException.OtherClusterToken, refused.ErrorId);
        Assert.Contains("--token", refused.Message);
        Assert.False(Directory.Exists(ClusterCertificates.DirectoryOf(stranger.Path)));
    }

    private static string Read(TemporaryDirectory dataDir, string name) =>
        File.ReadAllText(Path.Combine(ClusterCertificates.DirectoryOf(dataDir.Path), name));

    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    private static string UnixMode(string path) =>
        Convert.ToString((int)File.GetUnixFileMode(path) & 0x1FF, 8);
}
